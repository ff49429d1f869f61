import { execFileSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  createGitHubStandIn,
  GitHubStandIn,
  seedBareRepository,
} from '@shipdeck/github-stand-in';
import { StaleBranchError } from '../ManifestRepository';
import {
  GitHubManifestRepository,
  GitHubManifestRepositoryOptions,
} from './GitHubManifestRepository';

const TOKEN = 'ghs_shipdeck_test';
const owner = 'acme';
const repo = 'deploy';
const author = { name: 'Dana Deployer', email: 'dana@example.com' };

const seedFiles: Record<string, string> = {
  'cart/overlays/dev/kustomization.yaml':
    'images:\n  - name: cart\n    newTag: 1.0.0\n',
  'cart/overlays/production/kustomization.yaml':
    'images:\n  - name: cart\n    newTag: 0.9.0\n',
  'orders/values.yaml': 'image:\n  tag: 2.0.0\n',
};

jest.setTimeout(60_000);

describe('GitHubManifestRepository', () => {
  let dir: string;
  let seed: string;
  let standIn: GitHubStandIn;
  let server: { url: string; close(): Promise<void> };

  const git = (...args: string[]) =>
    execFileSync('git', ['--git-dir', dir, ...args], {
      encoding: 'utf8',
    }).trim();
  const head = (branch = 'main') => git('rev-parse', `refs/heads/${branch}`);
  const calls = () => standIn.calls.map(c => `${c.method} ${c.path}`);
  const api = (path: string) => `/repos/acme/deploy${path}`;

  function repository(
    overrides: Partial<GitHubManifestRepositoryOptions> = {},
  ) {
    return new GitHubManifestRepository({
      id: 'github.com/acme/deploy',
      owner,
      repo,
      baseUrl: server.url,
      auth: async () => TOKEN,
      // Many writes in a row: without throttling's one-second write spacing.
      throttle: { enabled: false },
      retries: 0,
      ...overrides,
    });
  }

  beforeAll(async () => {
    ({ dir, head: seed } = await seedBareRepository({
      files: seedFiles,
      prefix: 'gitops-github-',
    }));
    standIn = createGitHubStandIn({
      repos: [{ owner, repo, dir }],
      token: TOKEN,
      contentsJsonLimit: 32 * 1024,
      graphqlTextLimit: 16 * 1024,
    });
    server = await standIn.start();
  });

  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  beforeEach(() => standIn.resetCalls());

  describe('reading', () => {
    it('reads a branch head in one call, and names repository and branch when it is missing', async () => {
      const github = repository();
      await expect(github.getHead('main')).resolves.toBe(head());
      expect(calls()).toEqual([`GET ${api('/git/ref/heads%2Fmain')}`]);

      await expect(github.getHead('nope')).rejects.toMatchObject({
        name: 'NotFoundError',
        message: expect.stringContaining(
          'Repository github.com/acme/deploy has no branch nope',
        ),
      });
    });

    it('reads a file at a commit in one call; missing files and directories are undefined', async () => {
      const github = repository();
      const path = 'cart/overlays/dev/kustomization.yaml';
      await expect(github.readFile(seed, path)).resolves.toBe(seedFiles[path]);
      expect(calls()).toEqual([
        `GET ${api('/contents/cart%2Foverlays%2Fdev%2Fkustomization.yaml')}`,
      ]);
      await expect(github.readFile(seed, 'nope.yaml')).resolves.toBeUndefined();
      await expect(
        github.readFile(seed, 'cart/overlays'),
      ).resolves.toBeUndefined();
    });

    it('reads a file too large for the JSON contents API with the raw media type', async () => {
      const github = repository();
      const big = 'key: value # padding\n'.repeat(3000); // 63 kB, over the 32 kB limit
      const { sha } = await github.createCommit({
        parent: seed,
        message: 'Big file',
        files: [{ path: 'big.yaml', content: big }],
        author,
      });
      standIn.resetCalls();
      await expect(github.readFile(sha, 'big.yaml')).resolves.toBe(big);
      expect(calls()).toHaveLength(2);
    });

    it('reads any number of files in one GraphQL query per 100, and commits on top without looking up the tree', async () => {
      const github = repository();
      const files = Object.fromEntries(
        Array.from({ length: 150 }, (_, i) => [
          `svc-${i}/overlays/dev/kustomization.yaml`,
          `images:\n  - name: svc-${i}\n    newTag: 1.0.${i}\n`,
        ]),
      );
      const { sha } = await github.createCommit({
        parent: seed,
        message: 'Many services',
        files: Object.entries(files).map(([path, content]) => ({
          path,
          content,
        })),
        author,
      });
      const read = repository();
      standIn.resetCalls();
      const paths = [...Object.keys(files), 'nope.yaml', 'cart/overlays'];
      const found = await read.readFiles(sha, paths);
      expect(calls()).toEqual(['POST /graphql', 'POST /graphql']);
      expect(Object.fromEntries(found)).toEqual({
        ...files,
        'nope.yaml': undefined,
        'cart/overlays': undefined,
      });

      // The query also learnt the commit's tree: a commit on it is 2 calls.
      standIn.resetCalls();
      await read.createCommit({
        parent: sha,
        message: 'Next',
        files: [{ path: 'x.yaml', content: 'x: 1\n' }],
        author,
      });
      expect(calls()).toEqual([
        `POST ${api('/git/trees')}`,
        `POST ${api('/git/commits')}`,
      ]);
    });

    it("reads files over GraphQL's text limit, and binary ones, whole through the contents API", async () => {
      const github = repository();
      const big = 'key: value # padding\n'.repeat(1000); // 21 kB, over the 16 kB limit
      const binary = 'PNG\u0000\u0001';
      const { sha } = await github.createCommit({
        parent: seed,
        message: 'Big file',
        files: [
          { path: 'big.yaml', content: big },
          { path: 'logo.png', content: binary },
        ],
        author,
      });
      standIn.resetCalls();
      const found = await github.readFiles(sha, [
        'big.yaml',
        'orders/values.yaml',
        '/logo.png',
      ]);
      expect([...found]).toEqual([
        ['big.yaml', big],
        ['orders/values.yaml', seedFiles['orders/values.yaml']],
        ['/logo.png', binary],
      ]);
      expect(calls().sort()).toEqual([
        `GET ${api('/contents/big.yaml')}`,
        `GET ${api('/contents/logo.png')}`,
        'POST /graphql',
      ]);
    });

    it('reports an unknown repository in a batch read as NotFoundError naming it', async () => {
      const github = repository({ id: 'github.com/acme/gone', repo: 'gone' });
      await expect(
        github.readFiles(seed, ['orders/values.yaml']),
      ).rejects.toMatchObject({
        name: 'NotFoundError',
        message: expect.stringContaining(
          'GitHub github.com/acme/gone: reading 1 file(s)',
        ),
      });
    });

    it('links commits on the web host', () => {
      expect(repository().commitUrl('abc123')).toBe(
        'https://github.com/acme/deploy/commit/abc123',
      );
    });
  });

  describe('commitFiles', () => {
    it('writes one commit with exactly the given files in 4 calls, then 3 on top of its own commit', async () => {
      const github = repository();
      const parent = head();
      const { sha } = await github.commitFiles({
        branch: 'main',
        parent,
        message: 'Deploy cart 1.1.0 to dev and production',
        files: [
          {
            path: 'cart/overlays/dev/kustomization.yaml',
            content: 'images:\n  - name: cart\n    newTag: 1.1.0\n',
          },
          {
            path: 'cart/overlays/production/kustomization.yaml',
            content: 'images:\n  - name: cart\n    newTag: 1.1.0\n',
          },
        ],
        author,
      });
      expect(calls()).toEqual([
        `GET ${api(`/git/commits/${parent}`)}`,
        `POST ${api('/git/trees')}`,
        `POST ${api('/git/commits')}`,
        `PATCH ${api('/git/refs/heads%2Fmain')}`,
      ]);
      expect(head()).toBe(sha);
      expect(git('show', '--stat=200', '--format=%P|%an <%ae>|%s', sha)).toBe(
        [
          `${parent}|Dana Deployer <dana@example.com>|Deploy cart 1.1.0 to dev and production`,
          '',
          ' cart/overlays/dev/kustomization.yaml        | 2 +-',
          ' cart/overlays/production/kustomization.yaml | 2 +-',
          ' 2 files changed, 2 insertions(+), 2 deletions(-)',
        ].join('\n'),
      );
      expect(git('show', `${sha}:orders/values.yaml`)).toBe(
        seedFiles['orders/values.yaml'].trim(),
      );

      standIn.resetCalls();
      const next = await github.commitFiles({
        branch: 'main',
        parent: sha,
        message: 'Deploy orders 2.1.0',
        files: [
          { path: 'orders/values.yaml', content: 'image:\n  tag: 2.1.0\n' },
        ],
        author,
      });
      expect(calls()).toEqual([
        `POST ${api('/git/trees')}`,
        `POST ${api('/git/commits')}`,
        `PATCH ${api('/git/refs/heads%2Fmain')}`,
      ]);
      expect(head()).toBe(next.sha);
      expect(git('rev-parse', `${next.sha}~1`)).toBe(sha);
    });

    it('throws StaleBranchError for a stale parent and leaves the branch alone', async () => {
      const github = repository();
      const current = head();
      const stale = git('rev-parse', `${current}~1`);
      const attempt = github.commitFiles({
        branch: 'main',
        parent: stale,
        message: 'Too late',
        files: [
          { path: 'orders/values.yaml', content: 'image:\n  tag: 0.0.1\n' },
        ],
        author,
      });
      await expect(attempt).rejects.toBeInstanceOf(StaleBranchError);
      await expect(attempt).rejects.toMatchObject({
        branch: 'main',
        expected: stale,
      });
      expect(head()).toBe(current);
    });

    it('lets exactly one of 20 concurrent commits on the same parent win', async () => {
      const github = repository();
      const parent = head();
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          github.commitFiles({
            branch: 'main',
            parent,
            message: `Race ${i}`,
            files: [
              {
                path: 'orders/values.yaml',
                content: `image:\n  tag: 3.0.${i}\n`,
              },
            ],
            author,
          }),
        ),
      );
      const won = results.filter(
        (r): r is PromiseFulfilledResult<{ sha: string }> =>
          r.status === 'fulfilled',
      );
      const lost = results.filter(
        (r): r is PromiseRejectedResult => r.status === 'rejected',
      );
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(19);
      for (const r of lost) {
        expect(r.reason).toBeInstanceOf(StaleBranchError);
      }
      expect(head()).toBe(won[0].value.sha);
      expect(git('rev-parse', `${won[0].value.sha}~1`)).toBe(parent);
      expect(git('rev-list', '--count', `${parent}..main`)).toBe('1');
    });

    it('creates the branch when it does not exist yet', async () => {
      const github = repository();
      const parent = head();
      const { sha } = await github.commitFiles({
        branch: 'environments/staging',
        parent,
        message: 'Start staging',
        files: [{ path: 'staging.yaml', content: 'a: 1\n' }],
        author,
      });
      expect(head('environments/staging')).toBe(sha);
      expect(calls().slice(-2)).toEqual([
        `PATCH ${api('/git/refs/heads%2Fenvironments%2Fstaging')}`,
        `POST ${api('/git/refs')}`,
      ]);
    });

    it('createCommit writes a commit in 3 calls without moving any branch', async () => {
      const github = repository();
      const before = head();
      const { sha } = await github.createCommit({
        parent: seed,
        message: 'Detached',
        files: [{ path: 'x.yaml', content: 'x: 1\n' }],
        author,
      });
      expect(calls()).toHaveLength(3);
      expect(head()).toBe(before);
      expect(git('rev-parse', `${sha}~1`)).toBe(seed);
    });
  });

  describe('openOrUpdatePullRequest', () => {
    it('opens a pull request, then updates the same one', async () => {
      const github = repository();
      const base = head();
      const first = await github.createCommit({
        parent: base,
        message: 'Promote cart 1.1.0 to production',
        files: [
          {
            path: 'cart/overlays/production/kustomization.yaml',
            content: 'images:\n  - name: cart\n    newTag: 1.1.0\n',
          },
        ],
        author,
      });
      standIn.resetCalls();
      const opened = await github.openOrUpdatePullRequest({
        head: 'shipdeck/cart-production',
        base: 'main',
        sha: first.sha,
        title: 'Deploy cart 1.1.0 to production',
        body: 'First',
      });
      expect(opened).toEqual({
        number: expect.any(Number),
        url: `https://github.com/acme/deploy/pull/${opened.number}`,
        state: 'open',
        created: true,
      });
      expect(head('shipdeck/cart-production')).toBe(first.sha);
      expect(calls()).toEqual([
        `GET ${api('/pulls')}`,
        `POST ${api('/git/refs')}`,
        `POST ${api('/pulls')}`,
      ]);

      const second = await github.createCommit({
        parent: base,
        message: 'Promote cart 1.2.0 to production',
        files: [
          {
            path: 'cart/overlays/production/kustomization.yaml',
            content: 'images:\n  - name: cart\n    newTag: 1.2.0\n',
          },
        ],
        author,
      });
      standIn.resetCalls();
      const updated = await github.openOrUpdatePullRequest({
        head: 'shipdeck/cart-production',
        base: 'main',
        sha: second.sha,
        title: 'Deploy cart 1.2.0 to production',
        body: 'Second',
      });
      expect(updated).toEqual({ ...opened, created: false });
      expect(head('shipdeck/cart-production')).toBe(second.sha);
      expect(calls()).toEqual([
        `GET ${api('/pulls')}`,
        `PATCH ${api('/git/refs/heads%2Fshipdeck%2Fcart-production')}`,
        `PATCH ${api(`/pulls/${opened.number}`)}`,
      ]);
      const stored = standIn.repositories
        .get('acme/deploy')!
        .pulls.filter(p => p.head === 'shipdeck/cart-production');
      expect(stored).toHaveLength(1);
      expect(stored[0]).toMatchObject({
        title: 'Deploy cart 1.2.0 to production',
        body: 'Second',
        state: 'open',
      });

      // Same title and body: nothing to patch on the pull request.
      standIn.resetCalls();
      await expect(
        github.openOrUpdatePullRequest({
          head: 'shipdeck/cart-production',
          base: 'main',
          sha: second.sha,
          title: 'Deploy cart 1.2.0 to production',
          body: 'Second',
        }),
      ).resolves.toMatchObject({ number: opened.number, created: false });
      expect(calls()).toHaveLength(2);
    });

    it('opens a new pull request once the previous one was merged, reusing its branch', async () => {
      const github = repository();
      const [previous] = standIn.repositories
        .get('acme/deploy')!
        .pulls.filter(p => p.head === 'shipdeck/cart-production');
      const merge = await fetch(
        `${server.url}/repos/acme/deploy/pulls/${previous.number}/merge`,
        { method: 'PUT', headers: { authorization: `token ${TOKEN}` } },
      );
      expect(merge.status).toBe(200);

      const { sha } = await github.createCommit({
        parent: head(),
        message: 'Promote cart 1.3.0 to production',
        files: [
          {
            path: 'cart/overlays/production/kustomization.yaml',
            content: 'images:\n  - name: cart\n    newTag: 1.3.0\n',
          },
        ],
        author,
      });
      standIn.resetCalls();
      const next = await github.openOrUpdatePullRequest({
        head: 'shipdeck/cart-production',
        base: 'main',
        sha,
        title: 'Deploy cart 1.3.0 to production',
        body: '',
      });
      expect(next).toMatchObject({ created: true, state: 'open' });
      expect(next.number).toBeGreaterThan(previous.number);
      expect(head('shipdeck/cart-production')).toBe(sha);
      expect(calls()).toEqual([
        `GET ${api('/pulls')}`,
        `POST ${api('/git/refs')}`,
        `PATCH ${api('/git/refs/heads%2Fshipdeck%2Fcart-production')}`,
        `POST ${api('/pulls')}`,
      ]);
    });
  });

  describe('failures', () => {
    it('reports rejected credentials as NotAllowedError naming the repository', async () => {
      const github = repository({ auth: async () => 'wrong' });
      await expect(github.getHead('main')).rejects.toMatchObject({
        name: 'NotAllowedError',
        message: expect.stringMatching(
          /^GitHub github\.com\/acme\/deploy: reading branch main failed; GitHub rejected the credentials \(Bad credentials/,
        ),
      });
    });

    it('reports an unreachable GitHub as ServiceUnavailableError', async () => {
      // A port that was free a moment ago: nothing listens there.
      const port = await new Promise<number>(resolve => {
        const probe = createServer().listen(0, '127.0.0.1', () => {
          const { port: free } = probe.address() as { port: number };
          probe.close(() => resolve(free));
        });
      });
      const github = repository({ baseUrl: `http://127.0.0.1:${port}` });
      await expect(
        github.readFile(seed, 'orders/values.yaml'),
      ).rejects.toMatchObject({
        name: 'ServiceUnavailableError',
        message: expect.stringContaining(
          'GitHub github.com/acme/deploy: reading orders/values.yaml',
        ),
      });
    });

    it('waits out a primary rate limit and retries, logging it', async () => {
      const limited = createGitHubStandIn({
        repos: [{ owner, repo, dir }],
        token: TOKEN,
        rateLimit: { limit: 1, windowSeconds: 1 },
      });
      const limitedServer = await limited.start();
      try {
        const logger = mockServices.logger.mock();
        const github = repository({
          baseUrl: limitedServer.url,
          throttle: { enabled: true },
          logger,
        });
        await expect(github.getHead('main')).resolves.toBe(head());
        await expect(github.getHead('main')).resolves.toBe(head());
        expect(limited.calls.map(c => c.status)).toEqual([200, 403, 200]);
        expect(logger.warn).toHaveBeenCalledWith(
          expect.stringContaining(
            'GitHub primary rate limit for github.com/acme/deploy',
          ),
        );
      } finally {
        await limitedServer.close();
      }
    }, 20_000);
  });

  describe('fromConfig', () => {
    it('uses the integration for the host: API base URL, token and web links', async () => {
      const config = new ConfigReader({
        integrations: {
          github: [
            { host: 'ghe.example.com', apiBaseUrl: server.url, token: TOKEN },
          ],
        },
      });
      const github = GitHubManifestRepository.fromConfig(
        'ghe.example.com/acme/deploy',
        config,
        mockServices.logger.mock(),
      );
      expect(github.id).toBe('ghe.example.com/acme/deploy');
      const parent = await github.getHead('main');
      // With default throttling: writes one second apart.
      const { sha } = await github.commitFiles({
        branch: 'main',
        parent,
        message: 'Through config',
        files: [
          { path: 'orders/values.yaml', content: 'image:\n  tag: 4.0.0\n' },
        ],
        author,
      });
      expect(head()).toBe(sha);
      expect(github.commitUrl(sha)).toBe(
        `https://ghe.example.com/acme/deploy/commit/${sha}`,
      );
    }, 20_000);

    it('rejects ids without an integration or in the wrong form', () => {
      const config = new ConfigReader({});
      expect(() =>
        GitHubManifestRepository.fromConfig(
          'git.example.org/acme/deploy',
          config,
        ),
      ).toThrow(/git\.example\.org, which has no integrations\.github entry/);
      expect(() =>
        GitHubManifestRepository.fromConfig('github.com/acme', config),
      ).toThrow(/must look like <host>\/<owner>\/<repo>/);
      expect(
        GitHubManifestRepository.fromConfig(
          'github.com/acme/deploy',
          config,
        ).commitUrl('s'),
      ).toBe('https://github.com/acme/deploy/commit/s');
    });
  });
});
