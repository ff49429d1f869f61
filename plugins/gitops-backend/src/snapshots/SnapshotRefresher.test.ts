import { mockServices } from '@backstage/backend-test-utils';
import {
  argoApp,
  ArgoCdStandIn,
  startArgoCdStandIn,
} from '../argocd/__testUtils__/argoCdStandIn';
import { HttpArgoCdClient } from '../argocd/HttpArgoCdClient';
import { DatabaseDeploymentStore } from '../database/DatabaseDeploymentStore';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { SnapshotRefresher } from './SnapshotRefresher';
import {
  failedMigration,
  failedMigrationHook,
} from './__testUtils__/failedMigration';

jest.setTimeout(60_000);

const databases = createTestDatabases();

/** An Application Argo CD ran before Shipdeck came: two syncs, then a failed migration. */
const existing = () =>
  argoApp('orders-dev', {
    status: {
      sync: { status: 'OutOfSync', revision: 'c'.repeat(40) },
      health: { status: 'Healthy' },
      history: [
        {
          id: 0,
          revision: 'a'.repeat(40),
          deployedAt: '2026-11-20T09:00:10Z',
          initiatedBy: { automated: true },
        },
        {
          id: 1,
          revision: 'b'.repeat(40),
          deployedAt: '2026-11-21T09:00:10Z',
          initiatedBy: { username: 'alice' },
        },
      ],
      operationState: failedMigration({
        startedAt: '2026-11-22T09:00:00Z',
        finishedAt: '2026-11-22T09:00:40Z',
        revision: 'c'.repeat(40),
      }),
      reconciledAt: '2026-11-22T09:00:45Z',
    },
  });

describe.each(databases.eachSupportedId())(
  'SnapshotRefresher on %s',
  databaseId => {
    let argo: ArgoCdStandIn;

    beforeEach(async () => {
      argo = await startArgoCdStandIn({ applications: [existing()] });
    });

    afterEach(async () => {
      await argo.close();
    });

    async function setUp() {
      const store = await DatabaseDeploymentStore.create({
        database: { getClient: async () => databases.init(databaseId) },
      });
      const client = new HttpArgoCdClient(
        [{ name: 'main', url: argo.url, token: argo.token }],
        { retries: 0 },
      );
      const snapshots = store.snapshots();
      const events = () =>
        snapshots.listEvents(
          [{ instance: 'main', namespace: 'argocd', name: 'orders-dev' }],
          { limit: 100 },
        );
      return {
        refresher: new SnapshotRefresher(
          client,
          snapshots,
          store,
          mockServices.logger.mock(),
        ),
        snapshots,
        events,
      };
    }
    const gets = () => argo.requestsTo('/api/v1/applications/orders-dev');

    it('imports an existing Application’s history and failed hook on the first look, once', async () => {
      const { refresher, snapshots, events } = await setUp();
      await refresher.refreshAll();
      expect(gets()).toHaveLength(1);
      const imported = await events();
      expect(imported.map(e => [e.type, e.at])).toEqual([
        ['operation', '2026-11-22T09:00:40.000Z'],
        ['deployed', '2026-11-21T09:00:10.000Z'],
        ['deployed', '2026-11-20T09:00:10.000Z'],
      ]);
      expect(imported[0].details).toMatchObject({
        hooks: [failedMigrationHook],
      });
      const [stored] = await snapshots.listInstance('main');
      expect(stored.fetchedAt).toBe(stored.observedAt);

      // Nothing changed: the list is enough, and nothing is stored twice.
      await refresher.refreshAll();
      await refresher.refreshAll();
      expect(gets()).toHaveLength(1);
      expect(await events()).toEqual(imported);
    });

    it('leaves the import to the next look when the Application cannot be fetched, without a hookless operation', async () => {
      const { refresher, events } = await setUp();
      argo.fault({
        match: r => r.path === '/api/v1/applications/orders-dev',
        status: 503,
        code: 14,
        message: 'connection refused',
      });
      await refresher.refreshAll();
      expect(await events()).toEqual([]);

      await refresher.refreshAll();
      const imported = await events();
      expect(imported.map(e => e.type)).toEqual([
        'operation',
        'deployed',
        'deployed',
      ]);
      expect(imported[0].details).toHaveProperty('hooks');
    });

    it('imports what a list-only snapshot of an earlier Shipdeck never held', async () => {
      const { refresher, snapshots, events } = await setUp();
      // As stored before imports existed: the projection, never fetched.
      await snapshots.replaceInstance('main', [
        {
          instance: 'main',
          namespace: 'argocd',
          name: 'orders-dev',
          application: {
            metadata: { name: 'orders-dev', namespace: 'argocd' },
            status: {
              sync: { status: 'OutOfSync', revision: 'c'.repeat(40) },
              health: { status: 'Healthy' },
              operationState: {
                phase: 'Failed',
                startedAt: '2026-11-22T09:00:00Z',
                finishedAt: '2026-11-22T09:00:40Z',
              },
            },
          },
          observedAt: '2026-11-22T09:01:00.000Z',
        },
      ]);
      await refresher.refreshAll();
      expect((await events()).map(e => e.type)).toEqual([
        'operation',
        'deployed',
        'deployed',
      ]);
    });
  },
);
