import { Entity } from '@backstage/catalog-model';
import { mockCredentials } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { ManifestRepositories } from '../scm/ManifestRepositories';
import { TargetResolver } from '../targets/TargetResolver';
import { DefaultLocalRepositoryService } from './DefaultLocalRepositoryService';

const entity = (name: string, repo: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', annotations: { repo } },
  spec: {},
});

/** Targets read from a test annotation: the repository the entity deploys from. */
const targets = {
  isManaged: (e: Entity) => Boolean(e.metadata.annotations?.repo),
  resolve: (e: Entity) => [
    { manifest: { repo: e.metadata.annotations!.repo } },
  ],
} as unknown as TargetResolver;

const repo = {
  showCommit: async (sha: string) => `commit ${sha}`,
  getHead: async () => 'head',
  readFile: async (_commit: string, path: string) =>
    path === 'cart/kustomization.yaml' ? 'images: []' : undefined,
  listPullRequests: async () => [{ number: 1, state: 'open' }],
};
const repositories = {
  getLocal: (id: string) => (id === 'local:demo' ? repo : undefined),
} as unknown as ManifestRepositories;

const service = (entities: Entity[]) =>
  DefaultLocalRepositoryService.create({
    catalog: catalogServiceMock({ entities }),
    targets,
    repositories,
  });

describe('DefaultLocalRepositoryService', () => {
  const options = { credentials: mockCredentials.user() };

  it('reads a repository an entity the caller may read deploys from', async () => {
    const reads = service([entity('cart', 'local:demo')]);
    await expect(reads.showCommit('local:demo', 'abc1', options)).resolves.toBe(
      'commit abc1',
    );
    await expect(
      reads.readFile('local:demo', 'cart/kustomization.yaml', 'main', options),
    ).resolves.toBe('images: []');
    await expect(
      reads.getPullRequest('local:demo', 1, options),
    ).resolves.toMatchObject({ number: 1 });
    await expect(
      reads.readFile('local:demo', 'cart/missing.yaml', 'main', options),
    ).rejects.toThrow('cart/missing.yaml does not exist in local:demo@main');
    await expect(
      reads.getPullRequest('local:demo', 2, options),
    ).rejects.toThrow('No pull request #2 in local:demo');
  });

  it('answers 404, as for an unknown repository, when no entity the caller may read deploys from it', async () => {
    for (const entities of [[], [entity('cart', 'github.com/acme/deploy')]]) {
      const reads = service(entities);
      await expect(
        reads.showCommit('local:demo', 'abc1', options),
      ).rejects.toMatchObject({
        name: 'NotFoundError',
        message: 'No local manifest repository local:demo',
      });
      await expect(
        reads.readFile(
          'local:demo',
          'cart/kustomization.yaml',
          'main',
          options,
        ),
      ).rejects.toMatchObject({ name: 'NotFoundError' });
      await expect(
        reads.getPullRequest('local:demo', 1, options),
      ).rejects.toMatchObject({ name: 'NotFoundError' });
    }
    await expect(
      service([entity('cart', 'local:demo')]).showCommit(
        'local:x',
        'a',
        options,
      ),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
  });
});
