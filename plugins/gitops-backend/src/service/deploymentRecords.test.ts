import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { readApplicationLocatorOptions } from '../argocd/ApplicationLocator';
import { ArgoCdLinks } from '../argocd/ArgoCdLinks';
import { DatabaseDeploymentStore } from '../database/DatabaseDeploymentStore';
import { ApplicationRefs } from '../snapshots/ApplicationRefs';
import { TargetResolver } from '../targets/TargetResolver';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { recordedApplications } from './deploymentRecords';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const config = new ConfigReader({
  gitops: {
    environments: [{ name: 'dev' }, { name: 'production' }],
    manifests: { repo: 'local:demo', path: '{service}/overlays/{env}' },
    argocd: {
      instances: [{ name: 'main', url: 'https://argocd.acme.example' }],
    },
  },
});

const component = (name: string, annotations: Record<string, string>) =>
  ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: {},
  } as Entity);

describe.each(databases.eachSupportedId())(
  'recordedApplications on %s',
  databaseId => {
    it('records the Application a selector locates, and the named one otherwise, in order', async () => {
      const store = await DatabaseDeploymentStore.create({
        database: { getClient: async () => databases.init(databaseId) },
      });
      const snapshots = store.snapshots();
      const app = (name: string, env: string) => ({
        instance: 'main',
        namespace: 'team-shop',
        name,
        application: {
          metadata: {
            name,
            namespace: 'team-shop',
            labels: {
              'app.kubernetes.io/name': 'basket',
              'shipdeck.io/environment': env,
            },
          },
        },
        observedAt: '2026-11-23T10:00:00.000Z',
      });
      await snapshots.replaceInstance('main', [
        app('shop-basket-dev', 'dev'),
        app('shop-basket-prod', 'production'),
      ]);
      const links = ArgoCdLinks.fromConfig(config);
      const refs = new ApplicationRefs(
        snapshots,
        readApplicationLocatorOptions(config),
        ref => links.applicationUrl(ref),
      );
      const targets = TargetResolver.fromConfig(config);
      const [, selected] = targets.resolve(
        component('cart', {
          'argocd/app-selector': 'app.kubernetes.io/name=basket',
        }),
      );
      const [named] = targets.resolve(
        component('orders', { 'argocd/app-name': 'orders' }),
      );

      expect(await recordedApplications(refs, [selected, named])).toEqual([
        { instance: 'main', namespace: 'team-shop', name: 'shop-basket-prod' },
        { instance: 'main', name: 'orders-dev' },
      ]);
    });
  },
);
