import { execFileSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  createGitHubStandIn,
  seedBareRepository,
} from '@shipdeck/github-stand-in';
import { ManifestRepository } from '../scm/ManifestRepository';
import { GitHubManifestRepository } from '../scm/github/GitHubManifestRepository';
import { LocalGitManifestRepository } from '../scm/local/LocalGitManifestRepository';
import { DefaultSourceChangesService } from './DefaultSourceChangesService';

jest.setTimeout(60_000);

const component = (name: string, source?: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    annotations: {
      'argocd/app-name': name,
      ...(source ? { 'shipdeck.io/source-repo': source } : {}),
    },
  },
  spec: { type: 'service', owner: 'team-shop' },
});

const ref = (name: string) => ({
  kind: 'Component',
  namespace: 'default',
  name,
});
const options = { credentials: mockCredentials.user() };

describe('DefaultSourceChangesService', () => {
  let dir: string;
  let shas: string[];
  let server: { url: string; close(): Promise<void> };

  const git = (args: string[], input?: string) =>
    execFileSync('git', ['--git-dir', dir, ...args], {
      encoding: 'utf8',
      input,
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'Alice Author',
        GIT_AUTHOR_EMAIL: 'alice@example.com',
        GIT_COMMITTER_NAME: 'Alice Author',
        GIT_COMMITTER_EMAIL: 'alice@example.com',
      },
    }).trim();

  beforeAll(async () => {
    let seed: string;
    ({ dir, head: seed } = await seedBareRepository({
      files: { 'README.md': '# cart\n' },
    }));
    git(['tag', 'v1.0.0', seed]);
    const tree = git(['rev-parse', `${seed}^{tree}`]);
    shas = [];
    let parent = seed;
    for (const message of ['Add checkout', 'Fix totals\n\nThe body.', 'Tidy']) {
      parent = git(['commit-tree', tree, '-p', parent], message);
      shas.push(parent);
    }
    git(['update-ref', 'refs/heads/main', parent]);
    // Release tags are spelled both ways: v-prefixed, and bare.
    git(['tag', '1.1.0', shas[1]]);
    git(['tag', '-a', 'v1.2.0', '-m', 'Release 1.2.0', parent]);
    server = await createGitHubStandIn({
      repos: [{ owner: 'acme', repo: 'cart', dir }],
    }).start();
  });

  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const hosts: Array<[string, () => ManifestRepository]> = [
    [
      'github.com/acme/cart',
      () =>
        new GitHubManifestRepository({
          id: 'github.com/acme/cart',
          owner: 'acme',
          repo: 'cart',
          baseUrl: server.url,
          auth: async () => 'token',
          throttle: { enabled: false },
          retries: 0,
        }),
    ],
    ['local:cart', () => new LocalGitManifestRepository('local:cart', dir)],
  ];

  function service(source: string, repository: () => ManifestRepository) {
    return DefaultSourceChangesService.create({
      catalog: catalogServiceMock({
        entities: [component('cart', source), component('bare')],
      }),
      repository: id => {
        if (id !== source) throw new Error(`unexpected repository ${id}`);
        return repository();
      },
      sourceVersionTemplate: 'git-{sha7}',
    });
  }

  it.each(hosts)(
    '%s: lists the commits between two release versions, newest first, with authors',
    async (source, repository) => {
      const answer = await service(source, repository).getSourceChanges(
        ref('cart'),
        { from: '1.0.0', to: '1.2.0' },
        options,
      );
      expect(answer).toMatchObject({
        repository: source,
        available: true,
        fromRef: 'v1.0.0',
        toRef: 'v1.2.0',
        total: 3,
      });
      expect(answer.commits.map(c => [c.sha, c.title, c.author])).toEqual([
        [shas[2], 'Tidy', 'Alice Author'],
        [shas[1], 'Fix totals', 'Alice Author'],
        [shas[0], 'Add checkout', 'Alice Author'],
      ]);
      // Links where the host has a web UI: GitHub's; a bare local
      // repository has none.
      const github = source.startsWith('github.com');
      expect([answer.commits[0].url, answer.url]).toEqual(
        github
          ? [
              `https://github.com/acme/cart/commit/${shas[2]}`,
              'https://github.com/acme/cart/compare/v1.0.0...v1.2.0',
            ]
          : [undefined, undefined],
      );
    },
  );

  it.each(hosts)(
    '%s: reads a bare tag, and a version the source template made from a commit',
    async (source, repository) => {
      const answer = await service(source, repository).getSourceChanges(
        ref('cart'),
        { from: '1.1.0', to: `git-${shas[2].slice(0, 7)}` },
        options,
      );
      expect(answer.fromRef).toBe('1.1.0');
      expect(answer.toRef).toBe(shas[2].slice(0, 7));
      expect(answer.commits.map(c => c.sha)).toEqual([shas[2]]);
    },
  );

  it('says why when a version maps to no commit, or the entity names no source', async () => {
    const [source, repository] = hosts[1];
    const missing = await service(source, repository).getSourceChanges(
      ref('cart'),
      { from: '0.9.0', to: '1.2.0' },
      options,
    );
    expect(missing).toMatchObject({ available: false, commits: [], total: 0 });
    expect(missing.reason).toMatch(/No commit found for 0\.9\.0 in local:cart/);

    const bare = await service(source, repository).getSourceChanges(
      ref('bare'),
      { from: '1.0.0', to: '1.2.0' },
      options,
    );
    expect(bare).toMatchObject({ repository: '', available: false });
    expect(bare.reason).toMatch(/shipdeck\.io\/source-repo/);
  });

  it('refuses what is not a version (400), and an entity the caller cannot read (404)', async () => {
    const [source, repository] = hosts[1];
    await expect(
      service(source, repository).getSourceChanges(
        ref('cart'),
        { from: '--output=/tmp/x', to: '1.2.0' },
        options,
      ),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(
        /^from: '--output=\/tmp\/x' is not a version/,
      ),
    });
    await expect(
      service(source, repository).getSourceChanges(
        ref('hidden'),
        { from: '1.0.0', to: '1.2.0' },
        options,
      ),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
  });
});
