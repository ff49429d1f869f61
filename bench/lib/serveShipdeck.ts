/*
 * Shipdeck's REST API over its services, as plugin.ts mounts it, on a free
 * port of 127.0.0.1, with the bench's stand-ins for Backstage's auth and
 * auditor.
 */
import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import express from 'express';
import { GitopsServices } from '../../plugins/gitops-backend/src/createGitopsServices';
import { createRouter } from '../../plugins/gitops-backend/src/router';
import { auditor, auth, httpAuth } from './standIns';

export async function serveShipdeck(services: GitopsServices): Promise<{
  /** http://127.0.0.1:<port>/api/gitops */
  url: string;
  close(): Promise<void>;
}> {
  const app = express();
  app.use(
    '/api/gitops',
    await createRouter({ ...services, auth, httpAuth, auditor }),
  );
  const server = await new Promise<Server>(resolve => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/gitops`,
    async close() {
      server.closeAllConnections();
      await new Promise(resolve => server.close(resolve));
    },
  };
}
