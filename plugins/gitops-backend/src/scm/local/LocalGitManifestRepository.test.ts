import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NotFoundError } from '@backstage/errors';
import { StaleBranchError } from '../ManifestRepository';
import { LocalGitManifestRepository } from './LocalGitManifestRepository';
import { git, ZERO_SHA } from './git';
import { writeCommit } from './writeCommit';

const author = { name: 'Alice', email: 'alice@shop.example' };

async function createRepo() {
  const dir = join(mkdtempSync(join(tmpdir(), 'shipdeck-local-')), 'repo.git');
  execFileSync('git', [
    'init',
    '--quiet',
    '--bare',
    '--initial-branch',
    'main',
    dir,
  ]);
  const root = await writeCommit(dir, {
    message: 'seed',
    files: [
      {
        path: 'cart/overlays/dev/kustomization.yaml',
        content: 'images:\n  - name: cart\n    newTag: "1.0.0"\n',
      },
      {
        path: 'orders/overlays/dev/kustomization.yaml',
        content: 'images: []\n',
      },
    ],
    author,
  });
  await git(dir, ['update-ref', 'refs/heads/main', root, ZERO_SHA]);
  const cli = (...args: string[]) =>
    execFileSync('git', ['--git-dir', dir, ...args], {
      encoding: 'utf8',
    }).trim();
  return { repo: new LocalGitManifestRepository('local:test', dir), root, cli };
}

describe('LocalGitManifestRepository', () => {
  it('reads heads and files at a commit', async () => {
    const { repo, root } = await createRepo();
    expect(await repo.getHead('main')).toBe(root);
    expect(
      await repo.readFile(root, 'cart/overlays/dev/kustomization.yaml'),
    ).toContain('newTag: "1.0.0"');
    expect(await repo.readFile(root, 'nope.yaml')).toBeUndefined();
    await expect(repo.getHead('nope')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('reads many files at a commit at once; missing files, directories and odd paths are undefined', async () => {
    const { repo, root } = await createRepo();
    const { sha } = await repo.createCommit({
      parent: root,
      message: 'unicode',
      files: [{ path: 'notes/ümlaut.yaml', content: 'name: "ü → ✓"\n' }],
      author,
    });
    const paths = [
      'cart/overlays/dev/kustomization.yaml',
      'nope.yaml',
      'notes/ümlaut.yaml',
      'cart/overlays',
      'a\nb',
      'orders/overlays/dev/kustomization.yaml',
      'cart/overlays/dev/kustomization.yaml',
    ];
    const files = await repo.readFiles(sha, paths);
    expect([...files]).toEqual([
      [
        'cart/overlays/dev/kustomization.yaml',
        'images:\n  - name: cart\n    newTag: "1.0.0"\n',
      ],
      ['nope.yaml', undefined],
      ['notes/ümlaut.yaml', 'name: "ü → ✓"\n'],
      ['cart/overlays', undefined],
      ['a\nb', undefined],
      ['orders/overlays/dev/kustomization.yaml', 'images: []\n'],
    ]);
    expect(await repo.readFiles(sha, [])).toEqual(new Map());
  });

  it('writes many files as one commit on top of the parent', async () => {
    const { repo, root, cli } = await createRepo();
    const { sha } = await repo.commitFiles({
      branch: 'main',
      parent: root,
      message: 'Deploy cart 1.1.0 and orders 2.0.0 to dev',
      files: [
        {
          path: 'cart/overlays/dev/kustomization.yaml',
          content: 'images:\n  - name: cart\n    newTag: "1.1.0"\n',
        },
        {
          path: 'orders/overlays/dev/kustomization.yaml',
          content: 'images:\n  - name: orders\n    newTag: "2.0.0"\n',
        },
      ],
      author,
    });
    expect(cli('rev-parse', 'main')).toBe(sha);
    expect(cli('rev-parse', `${sha}^`)).toBe(root);
    expect(cli('diff', '--name-only', root, sha).split('\n')).toEqual([
      'cart/overlays/dev/kustomization.yaml',
      'orders/overlays/dev/kustomization.yaml',
    ]);
    expect(cli('log', '-1', '--format=%an <%ae>|%s', sha)).toBe(
      'Alice <alice@shop.example>|Deploy cart 1.1.0 and orders 2.0.0 to dev',
    );
  });

  it('refuses to move a branch that moved since it was read, and leaves it as it was', async () => {
    const { repo, root, cli } = await createRepo();
    const first = await repo.commitFiles({
      branch: 'main',
      parent: root,
      message: 'one',
      author,
      files: [{ path: 'a.yaml', content: 'a: 1\n' }],
    });
    await expect(
      repo.commitFiles({
        branch: 'main',
        parent: root,
        message: 'two',
        author,
        files: [{ path: 'b.yaml', content: 'b: 1\n' }],
      }),
    ).rejects.toBeInstanceOf(StaleBranchError);
    expect(cli('rev-parse', 'main')).toBe(first.sha);
  });

  it('lets exactly one of 20 concurrent writers on the same parent win', async () => {
    const { repo, root, cli } = await createRepo();
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        repo.commitFiles({
          branch: 'main',
          parent: root,
          message: `writer ${i}`,
          author,
          files: [{ path: `w/${i}.yaml`, content: `i: ${i}\n` }],
        }),
      ),
    );
    const won = results.filter(r => r.status === 'fulfilled');
    const lost = results.filter(r => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(
      lost.every(
        r => (r as PromiseRejectedResult).reason instanceof StaleBranchError,
      ),
    ).toBe(true);
    expect(cli('rev-list', '--count', 'main')).toBe('2');
  });

  it('opens a pull request once per head, updates it after, and merges it', async () => {
    const { repo, root, cli } = await createRepo();
    const change = (tag: string) =>
      repo.createCommit({
        parent: root,
        message: `cart ${tag}`,
        author,
        files: [
          {
            path: 'cart/overlays/dev/kustomization.yaml',
            content: `newTag: "${tag}"\n`,
          },
        ],
      });
    const first = await change('2.0.0');
    const opened = await repo.openOrUpdatePullRequest({
      head: 'shipdeck/production/cart',
      base: 'main',
      sha: first.sha,
      title: 'cart 2.0.0',
      body: 'b',
    });
    expect(opened).toMatchObject({ number: 1, created: true, state: 'open' });
    const second = await change('2.0.1');
    const updated = await repo.openOrUpdatePullRequest({
      head: 'shipdeck/production/cart',
      base: 'main',
      sha: second.sha,
      title: 'cart 2.0.1',
      body: 'b',
    });
    expect(updated).toMatchObject({ number: 1, created: false });
    expect(cli('rev-parse', 'shipdeck/production/cart')).toBe(second.sha);

    const merged = await repo.mergePullRequest(1, author);
    expect(cli('rev-parse', 'main')).toBe(merged.sha);
    expect(cli('show', 'main:cart/overlays/dev/kustomization.yaml')).toBe(
      'newTag: "2.0.1"',
    );
    expect((await repo.listPullRequests())[0]).toMatchObject({
      state: 'merged',
      mergeCommit: merged.sha,
    });
    await expect(repo.mergePullRequest(1, author)).rejects.toThrow('is merged');
  });

  it('merges with a merge commit when the base moved meanwhile', async () => {
    const { repo, root, cli } = await createRepo();
    const { sha: pr } = await repo.createCommit({
      parent: root,
      message: 'pr',
      author,
      files: [{ path: 'pr.yaml', content: 'x: 1\n' }],
    });
    await repo.openOrUpdatePullRequest({
      head: 'shipdeck/p',
      base: 'main',
      sha: pr,
      title: 't',
      body: '',
    });
    await repo.commitFiles({
      branch: 'main',
      parent: root,
      message: 'other',
      author,
      files: [{ path: 'o.yaml', content: 'o: 1\n' }],
    });
    const merged = await repo.mergePullRequest(1, author);
    expect(
      cli('rev-list', '--parents', '-1', merged.sha).split(' '),
    ).toHaveLength(3);
    expect(cli('ls-tree', '--name-only', 'main')).toContain('pr.yaml');
    expect(cli('ls-tree', '--name-only', 'main')).toContain('o.yaml');
  });
});
