import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Entity } from '@backstage/catalog-model';
import request from 'supertest';
import { gitopsPlugin } from './plugin';
import { DatabaseDeploymentStore } from './database/DatabaseDeploymentStore';
import { createTestDatabases } from './__testUtils__/testDatabases';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const cart: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'cart',
    namespace: 'default',
    annotations: {
      'argocd/app-name': 'cart',
      'shipdeck.io/image': 'registry.example/cart',
    },
  },
  spec: { type: 'service', owner: 'group:default/team-shop' },
};
const bare: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'bare', namespace: 'default' },
  spec: { type: 'service', owner: 'group:default/team-shop' },
};

const gitopsConfig = {
  gitops: {
    environments: [
      { name: 'dev' },
      { name: 'staging' },
      { name: 'production', pullRequest: true, protected: true },
    ],
    manifests: { repo: 'local:demo', path: '{service}/overlays/{env}' },
    argocd: { instances: [{ name: 'local', url: 'http://127.0.0.1:9' }] },
  },
};

describe.each(databases.eachSupportedId())(
  'gitops backend on %s',
  databaseId => {
    async function start() {
      const knex = await databases.init(databaseId);
      const { server } = await startTestBackend({
        features: [
          gitopsPlugin,
          mockServices.rootConfig.factory({ data: gitopsConfig }),
          mockServices.database.factory({ knex }),
          catalogServiceMock.factory({ entities: [cart, bare] }),
        ],
      });
      return { server, knex };
    }

    it('lists an entity’s environments in order, with its last deployment', async () => {
      const { server, knex } = await start();
      const store = await DatabaseDeploymentStore.create({
        database: { getClient: async () => knex },
      });
      await store.insert({
        id: '0b0b0b0b-0000-4000-8000-000000000001',
        entityRef: 'component:default/cart',
        environment: 'staging',
        action: 'promote',
        actor: 'user:default/alice',
        fromVersion: '1.0.0',
        toVersion: '1.1.0',
        status: 'healthy',
        createdAt: '2026-11-22T09:00:00.000Z',
      });

      const res = await request(server)
        .get('/api/gitops/entities/default/component/cart/environments')
        .set('Authorization', mockCredentials.user.header('user:default/alice'))
        .expect(200);

      expect(res.body.managed).toBe(true);
      expect(res.body.entityRef).toBe('component:default/cart');
      expect(Date.parse(res.body.observedAt)).not.toBeNaN();
      expect(res.body.environments.map((e: any) => e.environment.name)).toEqual(
        ['dev', 'staging', 'production'],
      );
      expect(res.body.environments[2]).toMatchObject({
        environment: {
          pullRequest: true,
          protected: true,
          promotesFrom: 'staging',
        },
        manifest: {
          repo: 'local:demo',
          path: 'cart/overlays/production',
          strategy: 'kustomize-images',
        },
        argocd: { instance: 'local', name: 'cart-production' },
      });
      expect(res.body.environments[0].lastDeployment).toBeUndefined();
      expect(res.body.environments[1].lastDeployment).toMatchObject({
        toVersion: '1.1.0',
        actor: 'user:default/alice',
      });
    });

    it('says when an entity is not set up for Shipdeck', async () => {
      const { server } = await start();
      const res = await request(server)
        .get('/api/gitops/entities/default/component/bare/environments')
        .set('Authorization', mockCredentials.user.header())
        .expect(200);
      expect(res.body).toMatchObject({ managed: false, environments: [] });
    });

    it('answers 404 for an unknown entity, 400 for a malformed path and 401 without credentials', async () => {
      const { server } = await start();
      const missing = await request(server)
        .get('/api/gitops/entities/default/component/nope/environments')
        .set('Authorization', mockCredentials.user.header())
        .expect(404);
      expect(missing.body.error.message).toContain('component:default/nope');
      const bad = await request(server)
        .get('/api/gitops/entities/default/component/%20x/environments')
        .set('Authorization', mockCredentials.user.header())
        .expect(400);
      expect(bad.body.error.message).toContain("Invalid entity name ' x'");
      await request(server)
        .get('/api/gitops/entities/default/component/cart/environments')
        .set('Authorization', mockCredentials.none.header())
        .expect(401);
    });

    it('serves the configured environments to users and services, and health to anyone', async () => {
      const { server } = await start();
      const res = await request(server)
        .get('/api/gitops/environments')
        .set('Authorization', mockCredentials.service.header())
        .expect(200);
      expect(res.body.environments.map((e: any) => e.name)).toEqual([
        'dev',
        'staging',
        'production',
      ]);
      await request(server)
        .get('/api/gitops/health')
        .expect(200, { status: 'ok' });
    });
  },
);
