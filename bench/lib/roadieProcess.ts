/*
 * The most used Backstage Argo CD backend, @roadiehq/backstage-plugin-argo-cd-backend
 * (installed for the benchmark only), in its own process over the same
 * Argo CD fleet, mounted where its plugin mounts it (/api/argocd). Its
 * instances are configured as its README says (appLocatorMethods of type
 * `config`, one token per instance); its requests go straight to Argo CD,
 * as its routes do on every page view.
 *
 * argv: JSON of { instances: Array<{ name, url, token }> }.
 */
import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import express from 'express';
import { ConfigReader } from '@backstage/config';
import {
  ArgoService,
  createRouter,
} from '@roadiehq/backstage-plugin-argo-cd-backend';
import { serveParent } from './child';
import { logger } from './standIns';

if (require.main === module) {
  serveParent(async () => {
    const { instances } = JSON.parse(process.argv[2]) as {
      instances: Array<{ name: string; url: string; token: string }>;
    };
    const config = new ConfigReader({
      argocd: { appLocatorMethods: [{ type: 'config', instances }] },
    });
    const app = express();
    app.use(
      '/api/argocd',
      await createRouter({
        logger,
        config,
        argocdService: ArgoService.fromConfig({ config, logger }),
      }),
    );
    const server = await new Promise<Server>(resolve => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const { port } = server.address() as AddressInfo;
    return {
      ready: { url: `http://127.0.0.1:${port}/api/argocd` },
      handlers: {},
      async stop() {
        server.closeAllConnections();
        await new Promise(resolve => server.close(resolve));
      },
    };
  });
}
