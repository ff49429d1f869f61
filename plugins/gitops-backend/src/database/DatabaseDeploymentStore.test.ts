import { DatabaseDeploymentStore } from './DatabaseDeploymentStore';
import { createTestDatabases } from '../__testUtils__/testDatabases';

jest.setTimeout(60_000);

const databases = createTestDatabases();

function record(
  id: string,
  environment: string,
  createdAt: string,
  toVersion: string,
) {
  return {
    id,
    entityRef: 'component:default/cart',
    environment,
    action: 'deploy' as const,
    actor: 'user:default/alice',
    toVersion,
    status: 'committed' as const,
    createdAt,
  };
}

describe.each(databases.eachSupportedId())(
  'DatabaseDeploymentStore on %s',
  databaseId => {
    async function createStore() {
      const knex = await databases.init(databaseId);
      const store = await DatabaseDeploymentStore.create({
        database: { getClient: async () => knex },
      });
      return { knex, store };
    }

    it('round-trips a record with its steps in order', async () => {
      const { store } = await createStore();
      await store.insert({
        ...record(
          '7a1a7a1a-0000-4000-8000-000000000001',
          'dev',
          '2026-11-20T10:00:00.000Z',
          '1.2.0',
        ),
        fromVersion: '1.1.0',
        steps: [{ name: 'requested', at: '2026-11-20T10:00:00.000Z' }],
      });
      await store.addStep(
        '7a1a7a1a-0000-4000-8000-000000000001',
        {
          name: 'committed',
          at: '2026-11-20T10:00:02.000Z',
          message: 'abc123',
        },
        { status: 'committed', commitSha: 'abc123' },
      );
      const loaded = await store.get('7a1a7a1a-0000-4000-8000-000000000001');
      expect(loaded).toEqual({
        id: '7a1a7a1a-0000-4000-8000-000000000001',
        entityRef: 'component:default/cart',
        environment: 'dev',
        action: 'deploy',
        actor: 'user:default/alice',
        fromVersion: '1.1.0',
        toVersion: '1.2.0',
        status: 'committed',
        commitSha: 'abc123',
        pullRequestUrl: undefined,
        createdAt: '2026-11-20T10:00:00.000Z',
        steps: [
          { name: 'requested', at: '2026-11-20T10:00:00.000Z' },
          {
            name: 'committed',
            at: '2026-11-20T10:00:02.000Z',
            message: 'abc123',
          },
        ],
      });
      expect(
        await store.get('7a1a7a1a-0000-4000-8000-0000000000ff'),
      ).toBeUndefined();
    });

    it('returns the newest record of each environment', async () => {
      const { store } = await createStore();
      await store.insert(
        record(
          '7a1a7a1a-0000-4000-8000-000000000011',
          'dev',
          '2026-11-20T10:00:00.000Z',
          '1.0.0',
        ),
      );
      await store.insert(
        record(
          '7a1a7a1a-0000-4000-8000-000000000012',
          'dev',
          '2026-11-21T10:00:00.000Z',
          '1.1.0',
        ),
      );
      await store.insert(
        record(
          '7a1a7a1a-0000-4000-8000-000000000013',
          'staging',
          '2026-11-20T12:00:00.000Z',
          '1.0.0',
        ),
      );
      await store.insert({
        ...record(
          '7a1a7a1a-0000-4000-8000-000000000014',
          'dev',
          '2026-11-22T10:00:00.000Z',
          '9.9.9',
        ),
        entityRef: 'component:default/orders',
      });
      const latest = await store.latestPerEnvironment('component:default/cart');
      expect([...latest.keys()].sort()).toEqual(['dev', 'staging']);
      expect(latest.get('dev')?.toVersion).toBe('1.1.0');
      expect(latest.get('staging')?.toVersion).toBe('1.0.0');
    });

    it('migrates down cleanly', async () => {
      const { knex } = await createStore();
      await knex.migrate.rollback(
        { directory: `${__dirname}/../../migrations` },
        true,
      );
      expect(await knex.schema.hasTable('gitops_deployments')).toBe(false);
    });
  },
);
