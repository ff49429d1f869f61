import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  exampleEntities,
  examplesDir,
  startExampleBackend,
} from '../__testUtils__/exampleBackend';
import { SNAPSHOT_TASK_ID } from '../plugin';
import { failedMigrationHook } from './__testUtils__/failedMigration';

jest.setTimeout(180_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const user = mockCredentials.user.header('user:default/guest');

/**
 * The backend against the Argo CD emulator over HTTP, both watching one bare
 * manifest repository: what a user sees in the demo, with short timings.
 */
async function start() {
  const repoDir = join(
    mkdtempSync(join(tmpdir(), 'shipdeck-argo-')),
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
    token: 'test-token',
    timings: {
      pollIntervalMs: 200,
      operationStartMs: 50,
      hookMs: 300,
      syncMs: 200,
      progressingMs: 600,
      postOperationReconcileMs: 200,
    },
  });
  const { url, close } = await emulator.start();
  const tasks = new HandDrivenScheduler();
  const backend = await startExampleBackend({
    knex: await databases.init('SQLITE_3'),
    repoDir,
    features: [tasks.factory()],
    entities: [
      ...exampleEntities(),
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: {
          name: 'cart-by-selector',
          namespace: 'default',
          annotations: {
            'argocd/app-selector': 'app.kubernetes.io/name=cart',
            'shipdeck.io/image': 'registry.shop.example/shop/cart',
            'shipdeck.io/manifest-path': 'cart/overlays/{env}',
          },
        },
        spec: { type: 'service', owner: 'group:default/team-shop' },
      },
    ],
    gitops: config => ({
      ...config,
      argocd: {
        instances: [{ name: 'local', url, token: 'test-token' }],
        environmentLabel: 'shop.example/environment',
      },
      staleAfterSeconds: 30,
    }),
  });
  const look = () => tasks.triggerTask(SNAPSHOT_TASK_ID);
  const environments = async (service: string) => {
    await look();
    const res = await request(backend.server)
      .get(`/api/gitops/entities/default/component/${service}/environments`)
      .set('Authorization', user)
      .expect(200);
    return res.body.environments as any[];
  };
  /** Looks until `done` holds for an environment, recording each state seen. */
  const until = async (
    service: string,
    env: string,
    done: (e: any) => boolean,
  ) => {
    const seen: string[] = [];
    for (let i = 0; i < 150; i++) {
      const e = (await environments(service)).find(
        x => x.environment.name === env,
      );
      const state = `${e.status?.sync}/${e.status?.health}/${e.status?.version}`;
      if (seen[seen.length - 1] !== state) seen.push(state);
      if (done(e)) return { e, seen };
      await new Promise(r => setTimeout(r, 100));
    }
    throw new Error(
      `${service} in ${env} never got there; saw ${seen.join(' → ')}`,
    );
  };
  const post = (path: string, body: object) =>
    request(backend.server)
      .post(`/api/gitops${path}`)
      .set('Authorization', user)
      .send(body);
  /** Argo CD's own API, as someone using Argo CD before Shipdeck came. */
  const argo = {
    get: async (name: string) =>
      (
        await request(url)
          .get(`/api/v1/applications/${name}`)
          .set('Authorization', 'Bearer test-token')
          .expect(200)
      ).body,
    /** Syncs an Application and waits for the operation to end. */
    syncAndWait: async (name: string) => {
      await request(url)
        .post(`/api/v1/applications/${name}/sync`)
        .set('Authorization', 'Bearer test-token')
        .send({})
        .expect(200);
      for (let i = 0; i < 100; i++) {
        const app = await argo.get(name);
        const op = app.status?.operationState;
        if (!app.operation && op && op.phase !== 'Running') return app;
        await new Promise(r => setTimeout(r, 100));
      }
      throw new Error(`The sync of ${name} never ended`);
    },
  };
  return { emulator, close, backend, look, environments, until, post, argo };
}

describe('Shipdeck against the Argo CD emulator', () => {
  it('shows a deployment rolling out, without anyone pressing refresh, and advances its record', async () => {
    const { close, look, until, post } = await start();
    try {
      await look();
      await until('cart', 'dev', e => e.status?.version === '1.12.0');
      await post('/entities/default/component/cart/deployments', {
        environment: 'dev',
        version: '1.13.0',
      }).expect(202);
      const { e, seen } = await until(
        'cart',
        'dev',
        x =>
          x.status?.version === '1.13.0' &&
          x.status?.health === 'Healthy' &&
          x.lastDeployment?.status === 'healthy',
      );
      expect(e.status).toMatchObject({
        sync: 'Synced',
        health: 'Healthy',
        stale: false,
      });
      // On the way it was out of sync or progressing, not just old then new.
      expect(
        seen.some(
          s => s.startsWith('OutOfSync') || s.includes('/Progressing/'),
        ),
      ).toBe(true);
      expect(e.lastDeployment.steps.map((s: any) => s.name)).toEqual(
        expect.arrayContaining(['requested', 'committed', 'healthy']),
      );
    } finally {
      await close();
    }
  });

  it('stops a blue-green service at a paused Rollout until a rollout action promotes it', async () => {
    const { close, look, until, post } = await start();
    try {
      await look();
      await post('/entities/default/component/payments/deployments', {
        environment: 'dev',
        version: '5.0.2',
      }).expect(202);
      const paused = await until(
        'payments',
        'dev',
        x => x.status?.health === 'Suspended',
      );
      expect(paused.e.status.rollout).toMatchObject({
        name: 'payments',
        health: 'Suspended',
      });
      await new Promise(r => setTimeout(r, 1500));
      expect((await until('payments', 'dev', () => true)).e.status.health).toBe(
        'Suspended',
      );

      const promoted = await post(
        '/entities/default/component/payments/rollout-actions',
        {
          environment: 'dev',
          action: 'promote',
        },
      ).expect(200);
      expect(promoted.body.message).toBe('Ran resume on Rollout payments');
      const done = await until(
        'payments',
        'dev',
        x => x.status?.health === 'Healthy',
      );
      expect(done.e.status.version).toBe('5.0.2');

      const again = await post(
        '/entities/default/component/payments/rollout-actions',
        {
          environment: 'dev',
          action: 'promote',
        },
      ).expect(409);
      expect(again.body.error.message).toContain("'resume' action is disabled");
    } finally {
      await close();
    }
  });

  it('keeps more than ten deployments per target in the timeline', async () => {
    const { close, look, until, post, backend } = await start();
    try {
      await look();
      for (let i = 1; i <= 12; i++) {
        await post('/entities/default/component/cart/deployments', {
          environment: 'dev',
          version: `2.0.${i}`,
        }).expect(202);
        await until(
          'cart',
          'dev',
          x =>
            x.status?.version === `2.0.${i}` && x.status?.health === 'Healthy',
        );
      }
      const res = await request(backend.server)
        .get(
          '/api/gitops/entities/default/component/cart/timeline?environment=dev&limit=200',
        )
        .set('Authorization', user)
        .expect(200);
      const kinds = res.body.events.map((e: any) => e.kind);
      expect(kinds.filter((k: string) => k === 'deployment')).toHaveLength(12);
      expect(
        kinds.filter((k: string) => k === 'deployed').length,
      ).toBeGreaterThanOrEqual(12);
      const deployed = res.body.events.filter(
        (e: any) => e.kind === 'deployed',
      );
      expect(deployed.every((e: any) => e.deploymentId)).toBe(true);
    } finally {
      await close();
    }
  });

  it('syncs and waits, and uses Argo CD rollback only where auto-sync is off', async () => {
    const { close, until, post } = await start();
    try {
      await until('cart', 'production', e => e.status?.version === '1.11.2');
      const synced = await post('/entities/default/component/cart/sync', {
        environment: 'production',
        wait: true,
        timeoutSeconds: 60,
      }).expect(200);
      expect(synced.body).toMatchObject({
        state: 'healthy',
        application: { name: 'cart-production' },
      });

      const rolledBack = await post(
        '/entities/default/component/cart/argocd-rollbacks',
        {
          environment: 'production',
          historyId: 0,
        },
      ).expect(200);
      expect(rolledBack.body.message).toMatch(/^Rolling back to history 0/);

      const refused = await post(
        '/entities/default/component/cart/argocd-rollbacks',
        {
          environment: 'dev',
          historyId: 0,
        },
      ).expect(409);
      expect(refused.body.error.message).toContain('has auto-sync on');

      const bad = await post('/entities/default/component/cart/sync', {
        environment: 'dev',
        prune: 'yes',
      }).expect(400);
      expect(bad.body.error.message).toContain('prune');
    } finally {
      await close();
    }
  });

  it('finds Applications by the argocd/app-selector annotation of existing Argo CD plugins', async () => {
    const { close, until } = await start();
    try {
      const { e } = await until(
        'cart-by-selector',
        'staging',
        x => x.status?.version === '1.11.4',
      );
      expect(e.argocd).toMatchObject({
        instance: 'local',
        name: 'cart-staging',
      });
      expect(e.status).toMatchObject({ sync: 'Synced', health: 'Healthy' });
    } finally {
      await close();
    }
  });

  it('follows a deployment of an argocd/app-selector entity to Healthy on the Application it located', async () => {
    const { close, until, post } = await start();
    try {
      await until(
        'cart-by-selector',
        'dev',
        x => x.status?.version === '1.12.0',
      );
      const res = await post(
        '/entities/default/component/cart-by-selector/deployments',
        { environment: 'dev', version: '1.13.0' },
      ).expect(202);
      // Not the name template's cart-by-selector-dev, which does not exist.
      expect(res.body.deployments[0].argocd).toEqual({
        instance: 'local',
        namespace: 'argocd',
        name: 'cart-dev',
      });
      const { e } = await until(
        'cart-by-selector',
        'dev',
        x => x.lastDeployment?.status === 'healthy',
      );
      expect(e.status).toMatchObject({ version: '1.13.0', health: 'Healthy' });
      expect(e.lastDeployment.steps.map((s: any) => s.name)).toEqual(
        expect.arrayContaining(['requested', 'committed', 'healthy']),
      );
    } finally {
      await close();
    }
  });

  it('shows Argo CD’s past from the first look: history once, and a failed PreSync hook with its message', async () => {
    const { close, look, environments, emulator, backend, argo } =
      await start();
    try {
      // Before Shipdeck ever looks: three syncs into history, then a sync
      // whose migration Job fails (no history entry, as in Argo CD).
      await emulator.reconcileNow();
      for (let i = 0; i < 3; i++) await argo.syncAndWait('orders-dev');
      emulator.setFaults({ failHook: { app: 'orders-dev' } });
      const failed = await argo.syncAndWait('orders-dev');
      expect(failed.status.operationState.phase).toBe('Failed');
      const history = failed.status.history as any[];
      expect(history).toHaveLength(3);

      const dev = (await environments('orders')).find(
        e => e.environment.name === 'dev',
      );
      expect(dev.status.operation).toMatchObject({
        phase: 'Failed',
        message: 'one or more synchronization tasks completed unsuccessfully',
        hooks: [failedMigrationHook],
      });

      const timeline = async () =>
        (
          await request(backend.server)
            .get(
              '/api/gitops/entities/default/component/orders/timeline?environment=dev&limit=200',
            )
            .set('Authorization', user)
            .expect(200)
        ).body.events as any[];
      const first = await timeline();
      const deployed = first.filter(e => e.kind === 'deployed');
      expect(deployed.map(e => e.details.historyId).sort()).toEqual(
        history.map(h => h.id).sort(),
      );
      expect(deployed.map(e => e.at).sort()).toEqual(
        history.map(h => new Date(h.deployedAt).toISOString()).sort(),
      );
      const operation = first.find(e => e.kind === 'operation');
      expect(operation).toMatchObject({
        summary: expect.stringMatching(/^Sync Failed at /),
        details: {
          hooks: [failedMigrationHook],
        },
      });

      // Later looks find nothing new: the past is not stored twice.
      await look();
      await look();
      const ids = (events: any[]) => events.map(e => e.id).sort();
      expect(ids(await timeline())).toEqual(ids(first));
    } finally {
      emulator.clearFaults();
      await close();
    }
  });

  it('serves stale data, not errors, while the instance is down', async () => {
    const { close, look, environments, emulator, backend, until } =
      await start();
    try {
      const before = await until(
        'cart',
        'dev',
        e => e.status?.version === '1.12.0',
      );
      expect(before.e.status.stale).toBe(false);
      emulator.setFaults({ down: true });
      await look();
      const after = await environments('cart');
      expect(after[0].status).toMatchObject({ version: '1.12.0', stale: true });
      const overview = await request(backend.server)
        .get('/api/gitops/overview')
        .set('Authorization', user)
        .expect(200);
      expect(overview.body.rows.every((r: any) => r.status.stale)).toBe(true);
    } finally {
      emulator.clearFaults();
      await close();
    }
  });
});
