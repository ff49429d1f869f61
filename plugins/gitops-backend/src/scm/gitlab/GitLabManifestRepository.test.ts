import { execFileSync } from 'node:child_process';
import { seedBareRepository } from '@shipdeck/github-stand-in';
import { createGitLabStandIn, GitLabStandIn } from '@shipdeck/gitlab-stand-in';
import { StaleBranchError } from '../ManifestRepository';
import { GitLabManifestRepository } from './GitLabManifestRepository';

// 70 commits through a stand-in that runs git for each: slow on busy cores.
jest.setTimeout(180_000);

const project = 'shop/platform/deploy';
const author = { name: 'Shipdeck', email: 'shipdeck@example.com' };

describe('GitLabManifestRepository (stand-in)', () => {
  let standIn: GitLabStandIn;
  let url: string;
  let close: () => Promise<void>;
  let git: (...args: string[]) => string;

  beforeEach(async () => {
    const { dir } = await seedBareRepository({
      files: {
        'cart/values.yaml': 'image:\n  tag: 1.0.0\n',
        'orders/values.yaml': 'image:\n  tag: 3.0.0\n',
        'raw/a.yaml': 'a\n',
        'raw/deep/b.yaml': 'b\n',
      },
    });
    git = (...args) =>
      execFileSync('git', ['--git-dir', dir, ...args], {
        encoding: 'utf8',
      }).trim();
    standIn = createGitLabStandIn({
      projects: [{ fullPath: project, dir }],
      tokens: { 'glpat-write': 'write', 'glpat-read': 'read' },
    });
    ({ url, close } = await standIn.start());
  });
  afterEach(() => close());

  const repository = (token = 'glpat-write') =>
    new GitLabManifestRepository({
      id: `gitlab.example.com/${project}`,
      project,
      apiBaseUrl: `${url}/api/v4`,
      webBaseUrl: 'https://gitlab.example.com',
      token: async () => token,
    });

  it('reads the head, many files in one query, folders and tags; links point at GitLab', async () => {
    const gitlab = repository();
    const head = await gitlab.getHead('main');
    expect(head).toBe(git('rev-parse', 'main'));
    standIn.resetCalls();
    const files = await gitlab.readFiles(head, [
      'cart/values.yaml',
      '/orders/values.yaml',
      'gone.yaml',
      'raw',
    ]);
    expect([...files]).toEqual([
      ['cart/values.yaml', 'image:\n  tag: 1.0.0\n'],
      ['/orders/values.yaml', 'image:\n  tag: 3.0.0\n'],
      ['gone.yaml', undefined],
      ['raw', undefined],
    ]);
    expect(standIn.calls.map(c => c.path)).toEqual(['/api/graphql']);
    expect(await gitlab.readFile(head, 'raw/a.yaml')).toBe('a\n');
    expect(await gitlab.readFile(head, 'nope')).toBeUndefined();
    expect((await gitlab.listFiles(head, 'raw')).sort()).toEqual([
      'raw/a.yaml',
      'raw/deep/b.yaml',
    ]);
    expect(await gitlab.listFiles(head, 'nothing')).toEqual([]);
    git('tag', '-a', '-m', 'v1', 'v1', head);
    expect(await gitlab.resolveTag('v1')).toBe(head);
    await expect(gitlab.resolveTag('v2')).rejects.toThrow(
      'Repository gitlab.example.com/shop/platform/deploy has no tag v2',
    );
    await expect(gitlab.getHead('release')).rejects.toMatchObject({
      name: 'NotFoundError',
    });
    expect(gitlab.commitUrl('abc')).toBe(
      'https://gitlab.example.com/shop/platform/deploy/-/commit/abc',
    );
    expect(gitlab.fileUrl('main', 'cart/values.yaml')).toBe(
      'https://gitlab.example.com/shop/platform/deploy/-/blob/main/cart/values.yaml',
    );
  });

  it('commits several files in one call, and refuses a write over a change it did not see', async () => {
    const gitlab = repository();
    const parent = await gitlab.getHead('main');
    await gitlab.readFiles(parent, ['cart/values.yaml', 'new/file.yaml']);
    standIn.resetCalls();
    const { sha } = await gitlab.commitFiles({
      branch: 'main',
      parent,
      message: 'Deploy',
      files: [
        { path: 'cart/values.yaml', content: 'image:\n  tag: 1.1.0\n' },
        { path: 'new/file.yaml', content: 'new\n' },
      ],
      author,
    });
    expect(standIn.calls.map(c => `${c.method} ${c.path}`)).toEqual([
      `POST /api/v4/projects/${encodeURIComponent(project)}/repository/commits`,
    ]);
    expect(git('rev-parse', 'main')).toBe(sha);
    expect(git('rev-parse', 'main^')).toBe(parent);
    expect(git('log', '-1', '--format=%an <%ae>', 'main')).toBe(
      'Shipdeck <shipdeck@example.com>',
    );

    // cart changed since `parent`: a stale write, nothing written.
    await expect(
      gitlab.commitFiles({
        branch: 'main',
        parent,
        message: 'Stale',
        files: [
          { path: 'cart/values.yaml', content: 'image:\n  tag: 9.9.9\n' },
          { path: 'orders/values.yaml', content: 'image:\n  tag: 9.9.9\n' },
        ],
        author,
      }),
    ).rejects.toBeInstanceOf(StaleBranchError);
    expect(git('rev-parse', 'main')).toBe(sha);
    // new/file.yaml appeared since `parent`: creating it again is stale too.
    await expect(
      gitlab.commitFiles({
        branch: 'main',
        parent,
        message: 'Stale',
        files: [{ path: 'new/file.yaml', content: 'other\n' }],
        author,
      }),
    ).rejects.toBeInstanceOf(StaleBranchError);
    expect(git('rev-parse', 'main')).toBe(sha);
  });

  it('lets exactly one of 10 concurrent commits of one file on the same parent win, and all 50 writers of different files land', async () => {
    const parent = git('rev-parse', 'main');
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        // An instance each, as on 10 replicas.
        repository().commitFiles({
          branch: 'main',
          parent,
          message: `Race ${i}`,
          // 4.0.i: every writer changes the file (one that changes nothing
          // is no conflict for a per-file compare-and-swap).
          files: [
            {
              path: 'orders/values.yaml',
              content: `image:\n  tag: 4.0.${i}\n`,
            },
          ],
          author,
        }),
      ),
    );
    const won = results.filter(r => r.status === 'fulfilled');
    const lost = results.filter(
      (r): r is PromiseRejectedResult => r.status === 'rejected',
    );
    expect(won).toHaveLength(1);
    for (const r of lost) expect(r.reason).toBeInstanceOf(StaleBranchError);
    expect(git('rev-list', '--count', `${parent}..main`)).toBe('1');

    const base = git('rev-parse', 'main');
    const writers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        repository().commitFiles({
          branch: 'main',
          parent: base,
          message: `Writer ${i}`,
          files: [{ path: `writers/w${i}.yaml`, content: `w: ${i}\n` }],
          author,
        }),
      ),
    );
    expect(new Set(writers.map(w => w.sha)).size).toBe(50);
    expect(git('rev-list', '--count', `${base}..main`)).toBe('50');
    for (let i = 0; i < 50; i++) {
      expect(git('show', `main:writers/w${i}.yaml`)).toBe(`w: ${i}`);
    }
  });

  it('opens one merge request per branch and updates it; reads merged, closed, approval and pipeline', async () => {
    const gitlab = repository();
    const parent = await gitlab.getHead('main');
    const open = async (tag: string) => {
      const { sha } = await gitlab.createCommit({
        parent,
        message: `cart ${tag}`,
        files: [
          { path: 'cart/values.yaml', content: `image:\n  tag: ${tag}\n` },
        ],
        author,
        branch: 'shipdeck/production/cart',
      });
      return gitlab.openOrUpdatePullRequest({
        head: 'shipdeck/production/cart',
        base: 'main',
        sha,
        title: 'Deploy cart',
        body: `cart 1.0.0 → ${tag}`,
      });
    };
    const first = await open('2.0.0');
    expect(first).toEqual({
      number: 1,
      url: 'https://gitlab.example.com/shop/platform/deploy/-/merge_requests/1',
      state: 'open',
      created: true,
    });
    expect(git('rev-parse', 'main')).toBe(parent);
    const second = await open('2.1.0');
    expect(second).toMatchObject({ number: 1, created: false });
    const [mr] = standIn.projects.get(project)!.mergeRequests;
    expect(mr.description).toBe('cart 1.0.0 → 2.1.0');
    expect(git('show', 'shipdeck/production/cart:cart/values.yaml')).toContain(
      '2.1.0',
    );

    // A commit written elsewhere is put on the branch by re-creating it.
    const { sha: elsewhere } = await gitlab.createCommit({
      parent,
      message: 'elsewhere',
      files: [{ path: 'cart/values.yaml', content: 'image:\n  tag: 2.2.0\n' }],
      author,
    });
    await repository().openOrUpdatePullRequest({
      head: 'shipdeck/production/cart',
      base: 'main',
      sha: elsewhere,
      title: 'Deploy cart',
      body: 'cart 1.0.0 → 2.2.0',
    });
    expect(git('rev-parse', 'shipdeck/production/cart')).toBe(elsewhere);

    expect(await gitlab.readPullRequest(1)).toEqual({
      state: 'open',
      headSha: elsewhere,
    });
    await standIn.approve(project, 1, 'reviewer');
    await standIn.setPipeline(project, 1, 'failed');
    expect(await gitlab.readPullRequest(1)).toMatchObject({
      review: 'approved',
      checks: 'failing',
    });
    const merge = await standIn.merge(project, 1);
    expect(await gitlab.readPullRequest(1)).toEqual({
      state: 'merged',
      headSha: elsewhere,
      mergeCommitSha: merge,
    });
  });

  it('answers a read-only token with a NotAllowedError, nothing written', async () => {
    const gitlab = repository('glpat-read');
    const parent = await gitlab.getHead('main');
    await expect(
      gitlab.commitFiles({
        branch: 'main',
        parent,
        message: 'x',
        files: [{ path: 'cart/values.yaml', content: 'x\n' }],
        author,
      }),
    ).rejects.toMatchObject({ name: 'NotAllowedError' });
    expect(git('rev-parse', 'main')).toBe(parent);
  });
});
