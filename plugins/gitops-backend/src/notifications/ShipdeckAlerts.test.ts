import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  NotificationSendOptions,
  NotificationService,
} from '@backstage/plugin-notifications-node';
import { Environment } from '@shipdeck/plugin-gitops-common';
import { DatabaseDeploymentStore } from '../database/DatabaseDeploymentStore';
import { DatabaseNotificationLedger } from '../database/NotificationLedger';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { ArgoApplication } from '../argocd/types';
import { ShipdeckAlerts } from './ShipdeckAlerts';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const environments = [
  { name: 'staging', protected: false, pullRequest: false },
  { name: 'production', protected: true, pullRequest: true },
] as Environment[];

const cart: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'cart', namespace: 'default' },
  spec: { type: 'service', owner: 'team-shop' },
  relations: [{ type: 'ownedBy', targetRef: 'group:default/team-shop' }],
};

const NOW = Date.parse('2026-11-28T12:00:00.000Z');
const minutesAgo = (m: number) => new Date(NOW - m * 60_000).toISOString();

let ids = 0;
function record(
  environment: string,
  status: 'failed' | 'degraded' | 'healthy' | 'pr-opened',
  createdAt: string,
) {
  ids++;
  return {
    id: `7a1a7a1a-0000-4000-8000-${String(ids).padStart(12, '0')}`,
    entityRef: 'component:default/cart',
    environment,
    action: 'deploy' as const,
    actor: 'user:default/alice',
    fromVersion: '1.1.0',
    toVersion: '1.2.0',
    status,
    createdAt,
    argocd: { instance: 'main', name: `cart-${environment}` },
    steps: [{ name: status, at: createdAt, message: 'Back-off pulling image' }],
  };
}

function application(name: string, health: string): ArgoApplication {
  return {
    metadata: { name, namespace: 'argocd' },
    status: { health: { status: health, message: 'Readiness probe failed' } },
  } as unknown as ArgoApplication;
}

describe.each(databases.eachSupportedId())(
  'ShipdeckAlerts on %s',
  databaseId => {
    async function setUp(config: object = {}) {
      const knex = await databases.init(databaseId);
      const database = { getClient: async () => knex };
      const deployments = await DatabaseDeploymentStore.create({ database });
      const snapshots = deployments.snapshots();
      const sent: NotificationSendOptions[] = [];
      let failing = false;
      const notifications: NotificationService = {
        send: async options => {
          if (failing) throw new Error('notifications backend unavailable');
          sent.push(options);
        },
      };
      const alerts = ShipdeckAlerts.fromConfig(
        new ConfigReader({ gitops: { notifications: config } }),
        {
          logger: mockServices.logger.mock(),
          auth: mockServices.auth(),
          catalog: catalogServiceMock({ entities: [cart] }),
          notifications,
          ledger: await DatabaseNotificationLedger.create({ database }),
          deployments,
          snapshots,
          environments,
        },
      )!;
      const setApps = (apps: Array<[string, string]>) =>
        snapshots.replaceInstance(
          'main',
          apps.map(([name, health]) => ({
            instance: 'main',
            namespace: 'argocd',
            name,
            application: application(name, health),
            observedAt: minutesAgo(0),
          })),
        );
      return {
        deployments,
        alerts,
        sent,
        setApps,
        fail: (value: boolean) => {
          failing = value;
        },
      };
    }

    it('tells the owners once about a deployment that failed in a protected environment, not on every look', async () => {
      const { deployments, alerts, sent } = await setUp();
      await deployments.insert(record('production', 'failed', minutesAgo(5)));
      await deployments.insert(record('staging', 'failed', minutesAgo(5)));
      await deployments.insert(record('production', 'healthy', minutesAgo(4)));

      expect((await alerts.lookAll(NOW)).map(a => a.title)).toEqual([
        'cart 1.2.0 failed in production',
      ]);
      expect(sent).toEqual([
        {
          recipients: {
            type: 'entity',
            entityRef: ['group:default/team-shop'],
          },
          payload: {
            title: 'cart 1.2.0 failed in production',
            description:
              'The deployment by alice ended failed: Back-off pulling image.',
            link: '/catalog/default/component/cart/deployments',
            severity: 'critical',
            topic: 'shipdeck:production',
            scope: expect.stringMatching(/^deployment:7a1a7a1a-.*:failed$/),
          },
        },
      ]);
      expect(await alerts.lookAll(NOW + 60_000)).toEqual([]);
      expect(sent).toHaveLength(1);
    });

    it('sends one notification per Degraded incident: again only after the Application recovered', async () => {
      const { deployments, alerts, sent, setApps } = await setUp();
      await deployments.insert(record('production', 'healthy', minutesAgo(60)));
      await deployments.insert(record('staging', 'healthy', minutesAgo(60)));
      await setApps([
        ['cart-production', 'Degraded'],
        ['cart-staging', 'Degraded'],
      ]);

      const first = await alerts.lookAll(NOW);
      expect(first.map(a => [a.title, a.severity])).toEqual([
        ['cart is Degraded in production', 'critical'],
      ]);
      expect(await alerts.lookAll(NOW + 60_000)).toEqual([]);

      await setApps([['cart-production', 'Healthy']]);
      expect(await alerts.lookAll(NOW + 120_000)).toEqual([]);
      await setApps([['cart-production', 'Degraded']]);
      expect((await alerts.lookAll(NOW + 180_000)).map(a => a.title)).toEqual([
        'cart is Degraded in production',
      ]);
      expect(sent).toHaveLength(2);
    });

    it('tells about a pull request that waited longer than its environment allows, once', async () => {
      const { deployments, alerts } = await setUp({
        environments: { production: { pullRequestWaitMinutes: 120 } },
      });
      await deployments.insert(
        record('production', 'pr-opened', minutesAgo(90)),
      );
      expect(await alerts.lookAll(NOW)).toEqual([]);
      const later = await alerts.lookAll(NOW + 40 * 60_000);
      expect(later.map(a => [a.title, a.severity])).toEqual([
        ['cart 1.2.0 waits for review in production', 'normal'],
      ]);
      expect(await alerts.lookAll(NOW + 50 * 60_000)).toEqual([]);
    });

    it('tries again at the next look when sending failed', async () => {
      const { deployments, alerts, sent, fail } = await setUp();
      await deployments.insert(record('production', 'degraded', minutesAgo(5)));
      fail(true);
      expect(await alerts.lookAll(NOW)).toEqual([]);
      fail(false);
      expect((await alerts.lookAll(NOW)).map(a => a.title)).toEqual([
        'cart 1.2.0 is degraded in production',
      ]);
      expect(sent).toHaveLength(1);
    });

    it('follows the configuration per environment, and can be switched off', async () => {
      const { deployments, alerts } = await setUp({
        environments: {
          production: { deploymentFailed: false },
          staging: { deploymentFailed: true },
        },
      });
      await deployments.insert(record('production', 'failed', minutesAgo(5)));
      await deployments.insert(record('staging', 'failed', minutesAgo(5)));
      expect((await alerts.lookAll(NOW)).map(a => a.title)).toEqual([
        'cart 1.2.0 failed in staging',
      ]);
      expect(
        ShipdeckAlerts.fromConfig(
          new ConfigReader({ gitops: { notifications: { enabled: false } } }),
          {} as any,
        ),
      ).toBeUndefined();
    });
  },
);
