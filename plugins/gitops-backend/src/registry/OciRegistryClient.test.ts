import { mockServices } from '@backstage/backend-test-utils';
import { OciRegistryClient } from './OciRegistryClient';
import { startRegistry } from '../__testUtils__/registryStandIn';

describe('OciRegistryClient', () => {
  it('follows the bearer challenge anonymously and tells existing tags from missing ones', async () => {
    const registry = await startRegistry({
      'shop/cart': ['1.12.0', `sha256:${'a'.repeat(64)}`],
    });
    const client = new OciRegistryClient(
      [{ host: registry.host, insecure: true }],
      mockServices.cache.mock(),
    );
    try {
      expect(
        await client.versionExists(`${registry.host}/shop/cart`, '1.12.0'),
      ).toBe(true);
      expect(
        await client.versionExists(`${registry.host}/shop/cart`, '9.9.9'),
      ).toBe(false);
      expect(
        await client.versionExists(
          `${registry.host}/shop/cart`,
          `sha256:${'a'.repeat(64)}`,
        ),
      ).toBe(true);
      expect(registry.seen.slice(0, 3)).toEqual([
        'HEAD shop/cart:1.12.0',
        'token repository:shop/cart:pull',
        'HEAD shop/cart:1.12.0',
      ]);
    } finally {
      registry.close();
    }
  });

  it('uses configured credentials for the token service', async () => {
    const registry = await startRegistry(
      { 'shop/payments': ['5.0.1'] },
      's3cret',
    );
    try {
      const withCreds = new OciRegistryClient([
        {
          host: registry.host,
          insecure: true,
          username: 'ci',
          password: 's3cret',
        },
      ]);
      expect(
        await withCreds.versionExists(
          `${registry.host}/shop/payments`,
          '5.0.1',
        ),
      ).toBe(true);
      const without = new OciRegistryClient([
        { host: registry.host, insecure: true },
      ]);
      await expect(
        without.versionExists(`${registry.host}/shop/payments`, '5.0.1'),
      ).rejects.toThrow('answered 401');
    } finally {
      registry.close();
    }
  });

  it('says so when the registry cannot be reached', async () => {
    const client = new OciRegistryClient([
      { host: '127.0.0.1:9', insecure: true },
    ]);
    await expect(
      client.versionExists('127.0.0.1:9/shop/cart', '1.0.0'),
    ).rejects.toThrow('registry 127.0.0.1:9 is unreachable');
  });
});
