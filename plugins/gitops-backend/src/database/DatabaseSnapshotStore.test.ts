import { DatabaseDeploymentStore } from './DatabaseDeploymentStore';
import { createTestDatabases } from '../__testUtils__/testDatabases';

jest.setTimeout(60_000);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'SnapshotStore on %s',
  databaseId => {
    async function createStore() {
      const knex = await databases.init(databaseId);
      return (
        await DatabaseDeploymentStore.create({
          database: { getClient: async () => knex },
        })
      ).snapshots();
    }

    it('reads back thousands of Applications at once (the on-call overview of a large fleet)', async () => {
      const snapshots = await createStore();
      const observedAt = '2026-11-23T10:00:00.000Z';
      const apps = Array.from({ length: 2100 }, (_, i) => ({
        instance: 'main',
        namespace: 'argocd',
        name: `svc-${i}-dev`,
        application: {
          metadata: { name: `svc-${i}-dev` },
          status: { health: { status: 'Healthy' as const } },
        },
        observedAt,
      }));
      await snapshots.replaceInstance('main', apps);
      const found = await snapshots.getMany(
        apps.map(({ instance, namespace, name }) => ({
          instance,
          namespace,
          name,
        })),
      );
      expect(found).toHaveLength(2100);
      expect(
        found.find(s => s.name === 'svc-2099-dev')?.application.status?.health
          ?.status,
      ).toBe('Healthy');
    });

    it('replaces an instance’s snapshot, dropping Applications that are gone', async () => {
      const snapshots = await createStore();
      const at = '2026-11-23T10:00:00.000Z';
      const app = (name: string) => ({
        instance: 'main',
        namespace: 'argocd',
        name,
        application: { metadata: { name } },
        observedAt: at,
      });
      await snapshots.replaceInstance('main', [app('a'), app('b')]);
      await snapshots.replaceInstance('main', [app('b'), app('c')]);
      expect(
        (await snapshots.listInstance('main')).map(s => s.name).sort(),
      ).toEqual(['b', 'c']);
    });

    it('remembers which Applications were fetched whole, so their past is imported once', async () => {
      const snapshots = await createStore();
      const app = (name: string, fetchedAt?: string) => ({
        instance: 'main',
        namespace: 'argocd',
        name,
        application: { metadata: { name } },
        observedAt: '2026-11-23T10:00:30.000Z',
        ...(fetchedAt ? { fetchedAt } : {}),
      });
      await snapshots.replaceInstance('main', [
        app('listed'),
        app('fetched', '2026-11-23T10:00:00.000Z'),
      ]);
      const stored = await snapshots.listInstance('main');
      expect(stored.find(s => s.name === 'fetched')?.fetchedAt).toBe(
        '2026-11-23T10:00:00.000Z',
      );
      expect(stored.find(s => s.name === 'listed')).not.toHaveProperty(
        'fetchedAt',
      );
      await snapshots.replaceInstance('main', [
        app('listed', '2026-11-23T10:01:00.000Z'),
        app('fetched', '2026-11-23T10:00:00.000Z'),
      ]);
      expect(
        (await snapshots.listInstance('main')).find(s => s.name === 'listed')
          ?.fetchedAt,
      ).toBe('2026-11-23T10:01:00.000Z');
    });

    it('stores each event once, however often it is seen', async () => {
      const snapshots = await createStore();
      const event = {
        instance: 'main',
        namespace: 'argocd',
        app: 'cart-dev',
        type: 'health' as const,
        at: '2026-11-23T10:00:00.000Z',
        summary: 'Health Progressing → Healthy',
        dedupeKey: 'main/argocd/cart-dev:health:2026-11-23T10:00:00Z:Healthy',
      };
      await snapshots.appendEvents([event]);
      await snapshots.appendEvents([event]);
      const events = await snapshots.listEvents(
        [{ instance: 'main', namespace: 'argocd', name: 'cart-dev' }],
        { limit: 10 },
      );
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        type: 'health',
        summary: 'Health Progressing → Healthy',
      });
    });
  },
);
