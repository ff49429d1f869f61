import knexFactory from 'knex';
import { DatabaseDeploymentStore } from '../database/DatabaseDeploymentStore';
import { AppSnapshot, SnapshotStore } from '../database/SnapshotStore';
import { InstanceSnapshotCache } from './InstanceSnapshotCache';

async function setUp() {
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: ':memory:',
    useNullAsDefault: true,
  });
  const store = (
    await DatabaseDeploymentStore.create({
      database: { getClient: async () => knex },
    })
  ).snapshots();
  let reads = 0;
  let failNext = false;
  // The real store, its whole-instance reads counted (and failed on demand).
  const counted: SnapshotStore = Object.assign(Object.create(store), {
    listInstance: async (instance: string) => {
      reads++;
      if (failNext) {
        failNext = false;
        throw new Error('database unavailable');
      }
      return store.listInstance(instance);
    },
  });
  return {
    knex,
    store,
    cache: new InstanceSnapshotCache(counted),
    reads: () => reads,
    failNextRead: () => {
      failNext = true;
    },
  };
}

const app = (name: string, health: string, at: string): AppSnapshot => ({
  instance: 'main',
  namespace: 'argocd',
  name,
  application: {
    metadata: { name },
    status: { health: { status: health as 'Healthy' } },
  },
  observedAt: at,
});

/** A look at the instance: its snapshot written, then its attempt stamped. */
async function look(store: SnapshotStore, at: string, apps: AppSnapshot[]) {
  await store.replaceInstance('main', apps);
  await store.recordAttempt('main', { at });
}

const key = (name: string) => ({
  instance: 'main',
  namespace: 'argocd',
  name,
});

const healthOf = (snapshots: AppSnapshot[]) =>
  snapshots.map(s => `${s.name}:${s.application.status?.health?.status}`);

describe('InstanceSnapshotCache', () => {
  it('reads an instance once per look, and again after the next look', async () => {
    const { knex, store, cache, reads } = await setUp();
    const t1 = '2026-11-28T10:00:00.000Z';
    await look(store, t1, [app('a', 'Healthy', t1), app('b', 'Healthy', t1)]);

    for (let i = 0; i < 3; i++) {
      const found = await cache.getMany(
        [key('a'), key('b'), key('gone')],
        await store.instanceStatuses(),
      );
      expect(healthOf(found)).toEqual(['a:Healthy', 'b:Healthy']);
    }
    expect(reads()).toBe(1);

    const t2 = '2026-11-28T10:00:30.000Z';
    await look(store, t2, [app('a', 'Degraded', t2)]);
    const found = await cache.getMany(
      [key('a'), key('b')],
      await store.instanceStatuses(),
    );
    expect(healthOf(found)).toEqual(['a:Degraded']);
    expect(reads()).toBe(2);
    await knex.destroy();
  });

  it('reads again after a failed look, which may have written part of it', async () => {
    const { knex, store, cache, reads } = await setUp();
    const t1 = '2026-11-28T10:00:00.000Z';
    await look(store, t1, [app('a', 'Healthy', t1)]);
    await cache.getMany([key('a')], await store.instanceStatuses());
    // The snapshot was written, then the look failed (e.g. storing events).
    const t2 = '2026-11-28T10:00:30.000Z';
    await store.replaceInstance('main', [app('a', 'Missing', t2)]);
    await store.recordAttempt('main', { at: t2, error: 'events: timeout' });
    const found = await cache.getMany(
      [key('a')],
      await store.instanceStatuses(),
    );
    expect(healthOf(found)).toEqual(['a:Missing']);
    expect(reads()).toBe(2);
    await knex.destroy();
  });

  it('reads what is stored of an instance never looked at, and does not keep a failed read', async () => {
    const { knex, store, cache, reads, failNextRead } = await setUp();
    const t1 = '2026-11-28T10:00:00.000Z';
    await store.replaceInstance('main', [app('a', 'Healthy', t1)]);
    expect(healthOf(await cache.getMany([key('a')], new Map()))).toEqual([
      'a:Healthy',
    ]);
    expect(reads()).toBe(0);

    await store.recordAttempt('main', { at: t1 });
    const statuses = await store.instanceStatuses();
    failNextRead();
    await expect(cache.getMany([key('a')], statuses)).rejects.toThrow(
      'database unavailable',
    );
    expect(healthOf(await cache.getMany([key('a')], statuses))).toEqual([
      'a:Healthy',
    ]);
    expect(reads()).toBe(2);
    await knex.destroy();
  });
});
