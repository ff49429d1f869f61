import { mkdtempSync } from 'node:fs';
import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import {
  mockCredentials,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { createEmulator } from '@shipdeck/argocd-emulator';
import request from 'supertest';
import { seedLocalRepositories } from '../scm/seedLocalRepositories';
import { HandDrivenScheduler } from '../__testUtils__/handDrivenScheduler';
import {
  examplesDir,
  startExampleBackend,
} from '../__testUtils__/exampleBackend';
import { SNAPSHOT_TASK_ID } from '../plugin';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const user = mockCredentials.user.header('user:default/guest');
const api = '/api/gitops';

/**
 * The backend against the Argo CD emulator with the emulator's faults
 * (latency, 503s, outages): reads keep answering from the stored snapshots,
 * flagged stale; Argo CD actions fail cleanly; a Git deployment lands and
 * its record moves on once Argo CD is back; every look and action makes a
 * bounded number of calls, counted in front of the emulator.
 */
describe('Argo CD faults during reads and deployments', () => {
  let ctx: Awaited<ReturnType<typeof start>>;

  async function start() {
    const repoDir = join(
      mkdtempSync(join(tmpdir(), 'shipdeck-faults-')),
      'manifests.git',
    );
    await seedLocalRepositories({
      config: mockServices.rootConfig({
        data: {
          gitops: {
            manifests: {
              local: [
                {
                  name: 'demo',
                  path: repoDir,
                  seedFrom: join(examplesDir, 'manifests'),
                },
              ],
            },
          },
        },
      }),
      logger: mockServices.logger.mock(),
    });
    const emulator = createEmulator({
      repoDir,
      token: 'argo-faults-token',
      timings: {
        pollIntervalMs: 200,
        operationStartMs: 50,
        hookMs: 100,
        syncMs: 100,
        progressingMs: 200,
        postOperationReconcileMs: 100,
      },
    });
    // Every call Shipdeck makes, counted before the emulator's faults apply.
    const calls: string[] = [];
    const counted = express();
    counted.use((req, _res, next) => {
      calls.push(`${req.method} ${req.path}`);
      next();
    });
    counted.use(emulator.app);
    const server: Server = await new Promise(resolve => {
      const s = counted.listen(0, '127.0.0.1', () => resolve(s));
    });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const tasks = new HandDrivenScheduler();
    const backend = await startExampleBackend({
      knex: await databases.init('SQLITE_3'),
      repoDir,
      features: [tasks.factory()],
      gitops: config => ({
        ...config,
        argocd: {
          instances: [{ name: 'local', url, token: 'argo-faults-token' }],
          environmentLabel: 'shop.example/environment',
        },
        staleAfterSeconds: 60,
      }),
    });
    const look = () => tasks.triggerTask(SNAPSHOT_TASK_ID);
    const dev = async (service = 'cart') => {
      const res = await request(backend.server)
        .get(`${api}/entities/default/component/${service}/environments`)
        .set('Authorization', user)
        .expect(200);
      return res.body.environments.find(
        (e: any) => e.environment.name === 'dev',
      );
    };
    /** Calls made while `work` runs. */
    const callsDuring = async (work: () => Promise<unknown>) => {
      const from = calls.length;
      await work();
      return calls.slice(from);
    };
    const close = async () => {
      await emulator.stop();
      server.closeAllConnections();
      await new Promise(r => server.close(r));
    };
    return { emulator, backend, look, dev, callsDuring, close };
  }

  beforeAll(async () => {
    ctx = await start();
    // The first look imports every Application (a GET each).
    for (let i = 0; i < 50; i++) {
      await ctx.look();
      if ((await ctx.dev()).status?.version === '1.12.0') break;
      await new Promise(r => setTimeout(r, 100));
    }
  });
  afterAll(() => ctx.close());
  afterEach(() =>
    ctx.emulator.setFaults({
      down: undefined,
      latencyMs: undefined,
      errorRate: undefined,
    }),
  );

  it('reads fresh data while Argo CD answers', async () => {
    expect((await ctx.dev()).status).toMatchObject({
      version: '1.12.0',
      stale: false,
    });
  });

  it.each([
    ['connections reset', 'reset' as const],
    ['503 from its load balancer', '503' as const],
  ])(
    'serves the stored snapshot flagged stale while Argo CD is down (%s), with a bounded number of calls',
    async (_what, down) => {
      ctx.emulator.setFaults({ down });
      const calls = await ctx.callsDuring(ctx.look);
      // One list, retried twice, then the look gives up until the next tick.
      expect(calls.length).toBeGreaterThanOrEqual(1);
      expect(calls.length).toBeLessThanOrEqual(3);
      const status = (await ctx.dev()).status;
      expect(status).toMatchObject({ version: '1.12.0', stale: true });

      const overview = await request(ctx.backend.server)
        .get(`${api}/overview`)
        .set('Authorization', user)
        .expect(200);
      expect(JSON.stringify(overview.body)).toContain('"stale":true');

      ctx.emulator.setFaults({ down: undefined });
      await ctx.look();
      expect((await ctx.dev()).status.stale).toBe(false);
    },
  );

  it('takes a slow Argo CD (300 ms a call) without going stale', async () => {
    ctx.emulator.setFaults({ latencyMs: 300 });
    await ctx.look();
    expect((await ctx.dev()).status.stale).toBe(false);
  });

  it('refuses an Argo CD action during an outage with a 503 and a message, after at most 3 calls', async () => {
    ctx.emulator.setFaults({ down: '503' });
    let res: request.Response | undefined;
    const calls = await ctx.callsDuring(async () => {
      res = await request(ctx.backend.server)
        .post(`${api}/entities/default/component/cart/refresh`)
        .set('Authorization', user)
        .send({ environment: 'dev' });
    });
    expect(res!.status).toBe(503);
    expect(res!.body.error.message).toMatch(/Argo CD/);
    expect(calls.length).toBeGreaterThanOrEqual(1);
    expect(calls.length).toBeLessThanOrEqual(3);
  });

  it('lands a Git deployment during an outage, and its record moves on once Argo CD is back', async () => {
    ctx.emulator.setFaults({ down: 'reset' });
    const res = await request(ctx.backend.server)
      .post(`${api}/entities/default/component/orders/deployments`)
      .set('Authorization', user)
      .send({ environment: 'dev', version: '3.3.0' })
      .expect(202);
    const id = res.body.deployments[0].id;
    expect(res.body.deployments[0].status).toBe('committed');
    await ctx.look();

    ctx.emulator.setFaults({ down: undefined });
    let status = 'committed';
    for (
      let i = 0;
      i < 100 && !['healthy', 'degraded', 'failed'].includes(status);
      i++
    ) {
      await ctx.look();
      status = (
        await request(ctx.backend.server)
          .get(`${api}/deployments/${id}`)
          .set('Authorization', user)
          .expect(200)
      ).body.status;
      await new Promise(r => setTimeout(r, 100));
    }
    expect(status).toBe('healthy');
  });
});
