import { randomUUID } from 'node:crypto';
import { mockCredentials } from '@backstage/backend-test-utils';
import { DeploymentRecord } from '@shipdeck/plugin-gitops-common';
import request from 'supertest';
import { DatabaseDeploymentStore } from '../database/DatabaseDeploymentStore';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { startExampleBackend } from '../__testUtils__/exampleBackend';

jest.setTimeout(120_000);

const databases = createTestDatabases();
const user = mockCredentials.user.header('user:default/guest');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const cart = 'component:default/cart';

describe.each(databases.eachSupportedId())('metrics on %s', databaseId => {
  async function start() {
    const knex = await databases.init(databaseId);
    const backend = await startExampleBackend({ knex });
    const store = await DatabaseDeploymentStore.create({
      database: { getClient: async () => knex },
    });
    const metrics = (query: Record<string, string | number>) =>
      request(backend.server)
        .get('/api/gitops/metrics')
        .query(query)
        .set('Authorization', user);
    return { ...backend, store, metrics };
  }

  // One o'clock UTC three days ago: every record below falls on that date.
  const now = Date.now();
  const t0 = Math.floor(now / DAY) * DAY - 3 * DAY + HOUR;
  const at = (offsetMs: number) => new Date(t0 + offsetMs).toISOString();
  const day = at(0).slice(0, 10);

  /** A record created at t0 + offset that reached `status` at t0 + doneAfter. */
  function record(
    entityRef: string,
    environment: string,
    action: DeploymentRecord['action'],
    fromVersion: string,
    toVersion: string,
    offset: number,
    outcome?: { status: DeploymentRecord['status']; after: number },
  ) {
    const status = outcome?.status ?? 'pr-opened';
    return {
      id: randomUUID(),
      entityRef,
      environment,
      action,
      actor: 'user:default/guest',
      fromVersion,
      toVersion,
      status,
      argocd: { instance: 'local', name: `cart-${environment}` },
      createdAt: at(offset),
      steps: [
        { name: 'requested', at: at(offset) },
        ...(outcome
          ? [{ name: outcome.status, at: at(offset + outcome.after) }]
          : []),
      ],
    };
  }

  async function seed(store: DatabaseDeploymentStore) {
    await store.insertMany([
      // dev: 1.13.0 healthy after 5 minutes, 1.14.0 healthy after 10 then rolled back.
      record(cart, 'dev', 'deploy', '1.12.0', '1.13.0', 0, {
        status: 'healthy',
        after: 5 * 60_000,
      }),
      record(cart, 'dev', 'deploy', '1.13.0', '1.14.0', 2 * HOUR, {
        status: 'healthy',
        after: 10 * 60_000,
      }),
      record(cart, 'dev', 'rollback', '1.14.0', '1.13.0', 2.5 * HOUR, {
        status: 'healthy',
        after: 60_000,
      }),
      // Before the 30-day window: neither counted nor a lead-time start.
      record(cart, 'dev', 'deploy', '1.11.0', '1.12.0', -40 * DAY, {
        status: 'healthy',
        after: 60_000,
      }),
      // staging: 1.13.0 (first deployed in dev at t0) healthy at t0 + 2 h; 1.14.0 degraded.
      record(cart, 'staging', 'promote', '1.12.0', '1.13.0', HOUR, {
        status: 'healthy',
        after: HOUR,
      }),
      record(cart, 'staging', 'deploy', '1.13.0', '1.14.0', 3 * HOUR, {
        status: 'degraded',
        after: 5 * 60_000,
      }),
      // production: a pull request still open, not finished.
      record(cart, 'production', 'deploy', '1.11.2', '1.13.0', 4 * HOUR),
      // Another service, for the totals over every entity.
      record('component:default/orders', 'dev', 'deploy', '3.2.0', '3.3.0', 0, {
        status: 'healthy',
        after: 60_000,
      }),
    ]);
    // cart-dev went Degraded and was Healthy again 10 minutes later.
    const event = (offset: number, from: string, to: string) => ({
      instance: 'local',
      namespace: 'argocd',
      app: 'cart-dev',
      type: 'health' as const,
      at: at(DAY + offset),
      summary: `Health ${from} → ${to}`,
      state: { from, to },
      dedupeKey: `cart-dev:health:${offset}:${to}`,
    });
    await store
      .snapshots()
      .appendEvents([
        event(0, 'Healthy', 'Degraded'),
        event(5 * 60_000, 'Degraded', 'Progressing'),
        event(10 * 60_000, 'Progressing', 'Healthy'),
      ]);
  }

  it('computes frequency, lead time, change failure rate and time to restore per environment', async () => {
    const { store, metrics } = await start();
    await seed(store);
    const res = await metrics({ entity: cart }).expect(200);
    expect(res.body).toMatchObject({ entityRef: cart, days: 30 });
    expect(Date.parse(res.body.to)).toBeGreaterThanOrEqual(now);
    expect(res.body.from).toBe(
      new Date(Math.floor(now / DAY) * DAY - 29 * DAY).toISOString(),
    );
    const [dev, staging, production] = res.body.environments;
    expect(res.body.environments.map((e: any) => e.environment)).toEqual([
      'dev',
      'staging',
      'production',
    ]);

    expect(dev).toMatchObject({
      deployments: 3,
      deploymentsPerWeek: 0.7,
      // 1.13.0: 5 min; 1.14.0: 10 min; the rollback is no new change.
      leadTime: { medianSeconds: 450, p90Seconds: 600, samples: 2 },
      // 1.14.0 was rolled back.
      changeFailureRate: { failed: 1, total: 3, rate: 0.3333 },
      timeToRestore: { medianSeconds: 600, samples: 1 },
    });
    expect(dev.daily).toHaveLength(30);
    expect(dev.daily[29].date).toBe(new Date(now).toISOString().slice(0, 10));
    expect(dev.daily.find((d: any) => d.date === day)).toEqual({
      date: day,
      deployments: 3,
      failures: 1,
    });
    expect(
      dev.daily.reduce((sum: number, d: any) => sum + d.deployments, 0),
    ).toBe(3);

    expect(staging).toMatchObject({
      deployments: 2,
      // From the first deployment of 1.13.0 (dev, t0) to healthy here (t0 + 2 h).
      leadTime: { medianSeconds: 7200, p90Seconds: 7200, samples: 1 },
      changeFailureRate: { failed: 1, total: 2, rate: 0.5 },
    });
    expect(staging.timeToRestore).toBeUndefined();
    expect(staging.daily.find((d: any) => d.date === day)).toEqual({
      date: day,
      deployments: 2,
      failures: 1,
    });

    expect(production).toMatchObject({ deployments: 1 });
    expect(production.leadTime).toBeUndefined();
    expect(production.changeFailureRate).toBeUndefined();
  });

  it('narrows the window with days, and totals every entity without entity', async () => {
    const { store, metrics } = await start();
    await seed(store);
    const short = await metrics({ entity: cart, days: 2 }).expect(200);
    expect(short.body.days).toBe(2);
    expect(short.body.environments[0]).toMatchObject({
      deployments: 0,
      daily: [
        { deployments: 0, failures: 0 },
        { deployments: 0, failures: 0 },
      ],
    });
    // The outage ended three days ago, outside a two-day window.
    expect(short.body.environments[0].timeToRestore).toBeUndefined();

    const all = await metrics({}).expect(200);
    expect(all.body.entityRef).toBeUndefined();
    expect(all.body.environments[0]).toMatchObject({
      environment: 'dev',
      deployments: 4,
      changeFailureRate: { failed: 1, total: 4, rate: 0.25 },
    });
  });

  it('counts a deployment once with its Argo CD syncs, and a sync from outside Shipdeck as a change', async () => {
    const { store, metrics } = await start();
    await seed(store);
    await store.insertMany([
      {
        ...record(cart, 'dev', 'deploy', '1.13.0', '1.15.0', 5 * HOUR, {
          status: 'healthy',
          after: 2 * 60_000,
        }),
        commitSha: 'c1c1c1c',
      },
    ]);
    const argo = (
      offset: number,
      type: 'operation-started' | 'operation' | 'deployed',
      revision: string,
      to?: string,
    ) => ({
      instance: 'local',
      namespace: 'argocd',
      app: 'cart-dev',
      type,
      at: at(offset),
      revision,
      summary: `${type} ${revision}`,
      ...(to ? { state: { to } } : {}),
      dedupeKey: `cart-dev:${type}:${revision}:${offset}`,
    });
    await store.snapshots().appendEvents([
      argo(5 * HOUR + 60_000, 'operation-started', 'c1c1c1c', 'Running'),
      argo(5 * HOUR + 90_000, 'operation', 'c1c1c1c', 'Succeeded'),
      argo(5 * HOUR + 90_000, 'deployed', 'c1c1c1c'),
      // Someone synced a commit made elsewhere, and it failed.
      argo(6 * HOUR, 'operation-started', 'e1e1e1e', 'Running'),
      argo(6 * HOUR + 60_000, 'operation', 'e1e1e1e', 'Failed'),
    ]);
    const res = await metrics({ entity: cart }).expect(200);
    expect(res.body.environments[0]).toMatchObject({
      environment: 'dev',
      // Three seeded records, the new one (not its three events), one outside sync.
      deployments: 5,
      outsideSyncs: 1,
      changeFailureRate: { failed: 2, total: 5, rate: 0.4 },
    });
    expect(
      res.body.environments[0].daily.find((d: any) => d.date === day),
    ).toEqual({ date: day, deployments: 5, failures: 2 });
  });

  it('narrows every entity like the Shipdeck page: owner, system, environment', async () => {
    const { store, metrics } = await start();
    await seed(store);
    const shop = await metrics({ owner: 'team-shop', environment: 'dev' });
    expect(shop.status).toBe(200);
    expect(shop.body.environments).toEqual([
      expect.objectContaining({ environment: 'dev', deployments: 4 }),
    ]);
    const payments = await metrics({
      owner: 'group:default/team-payments',
      system: 'shop',
    }).expect(200);
    expect(payments.body.entities).toBe(1);
    expect(payments.body.environments.map((e: any) => e.deployments)).toEqual([
      0, 0, 0,
    ]);
    const none = await metrics({ system: 'elsewhere' }).expect(200);
    expect(none.body.entities).toBe(0);
  });

  it('answers 400 for a bad window and 404 for an entity the caller cannot see', async () => {
    const { metrics } = await start();
    for (const days of ['0', '366', 'abc', '1.5']) {
      const res = await metrics({ days }).expect(400);
      expect(res.body.error.message).toContain('days');
    }
    const unknownParam = await metrics({ weeks: 2 }).expect(400);
    expect(unknownParam.body.error.message).toContain('weeks');
    await metrics({ entity: 'component:default/nope' }).expect(404);
    await request((await start()).server)
      .get('/api/gitops/metrics')
      .set('Authorization', mockCredentials.none.header())
      .expect(401);
  });
});
