import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import {
  onRegistry,
  startExampleBackend,
} from '../__testUtils__/exampleBackend';
import { startRegistry } from '../__testUtils__/registryStandIn';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const user = mockCredentials.user.header('user:default/guest');

describe('image check before deploying', () => {
  it('deploys a version its registry has, and refuses one it does not, writing nothing', async () => {
    const registry = await startRegistry({ 'shop/cart': ['1.13.0'] });
    try {
      // The demo's image names, but on the local registry stand-in.
      const { entities, seed } = onRegistry(registry.host, ['cart']);
      const { server, git } = await startExampleBackend({
        knex: await databases.init('SQLITE_3'),
        entities,
        seedFrom: seed,
        gitops: config => ({
          ...config,
          verifyImages: true,
          registries: [{ host: registry.host, insecure: true }],
        }),
      });
      const before = git('rev-parse', 'main');
      const missing = await request(server)
        .post('/api/gitops/entities/default/component/cart/deployments')
        .set('Authorization', user)
        .send({ environment: 'dev', version: '1.14.0' })
        .expect(400);
      expect(missing.body.error.message).toBe(
        `Not in the registry: ${registry.host}/shop/cart:1.14.0. Nothing was written; push the image first.`,
      );
      expect(git('rev-parse', 'main')).toBe(before);
      expect(registry.seen).toContain('HEAD shop/cart:1.14.0');

      const present = await request(server)
        .post('/api/gitops/entities/default/component/cart/deployments')
        .set('Authorization', user)
        .send({ environment: 'dev', version: '1.13.0' })
        .expect(202);
      expect(present.body.deployments[0]).toMatchObject({
        fromVersion: '1.12.0',
        toVersion: '1.13.0',
      });
      expect(git('rev-parse', 'main^')).toBe(before);
    } finally {
      registry.close();
    }
  });
});
