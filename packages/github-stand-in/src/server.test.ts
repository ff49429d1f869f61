import { execFileSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import request from 'supertest';
import { createGitHubStandIn } from './server';
import { seedBareRepository } from './seed';
import { validatingOctokit } from './__testUtils__/octokit';

const TOKEN = 'ghp_standin';
const owner = 'acme';
const repo = 'deploy';

const seedFiles = {
  'cart/overlays/dev/kustomization.yaml':
    'images:\n  - name: cart\n    newTag: 1.0.0\n',
  'cart/overlays/production/kustomization.yaml':
    'images:\n  - name: cart\n    newTag: 0.9.0\n',
  'orders/values.yaml': 'image:\n  tag: 2.0.0\n',
  'README.md': '# deploy\n',
};

function gitIn(dir: string, ...args: string[]) {
  return execFileSync('git', ['--git-dir', dir, ...args], { encoding: 'utf8' });
}

/** The status of a rejected Octokit call, and its body. */
async function failure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error && 'status' in error) {
      const e = error as Error & {
        status: number;
        response?: { data: unknown };
      };
      return { status: e.status, data: e.response?.data as any };
    }
    throw error;
  }
  throw new Error('Expected the call to fail');
}

describe('GitHub stand-in', () => {
  let dir: string;
  let seed: string;
  let server: { url: string; close(): Promise<void> };
  const standIn = {
    current: undefined as ReturnType<typeof createGitHubStandIn> | undefined,
  };
  let octokit: ReturnType<typeof validatingOctokit>['octokit'];
  let checked: Set<string>;

  beforeAll(async () => {
    ({ dir, head: seed } = await seedBareRepository({ files: seedFiles }));
    standIn.current = createGitHubStandIn({
      repos: [{ owner, repo, dir }],
      token: TOKEN,
      contentsJsonLimit: 64 * 1024,
    });
    server = await standIn.current.start();
    ({ octokit, checked } = validatingOctokit(server.url, TOKEN));
  });

  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const head = (branch = 'main') =>
    gitIn(dir, 'rev-parse', `refs/heads/${branch}`).trim();

  /** Commit `files` on top of `parent` through trees and commits, without moving a ref. */
  async function makeCommit(
    parent: string,
    files: Record<string, string | null>,
    message = 'Edit',
  ) {
    const { data: parentCommit } = await octokit.rest.git.getCommit({
      owner,
      repo,
      commit_sha: parent,
    });
    const { data: tree } = await octokit.rest.git.createTree({
      owner,
      repo,
      base_tree: parentCommit.tree.sha,
      tree: Object.entries(files).map(([path, content]) =>
        content === null
          ? { path, mode: '100644' as const, type: 'blob' as const, sha: null }
          : { path, mode: '100644' as const, type: 'blob' as const, content },
      ),
    });
    const { data: commit } = await octokit.rest.git.createCommit({
      owner,
      repo,
      message,
      tree: tree.sha,
      parents: [parent],
      author: { name: 'Dana Deployer', email: 'dana@example.com' },
    });
    return commit.sha;
  }

  describe('repository, refs and commits', () => {
    it('describes the repository with its default branch', async () => {
      const { data } = await octokit.rest.repos.get({ owner, repo });
      expect(data.full_name).toBe('acme/deploy');
      expect(data.default_branch).toBe('main');
      expect(data.html_url).toBe('https://github.com/acme/deploy');
    });

    it('reads a branch head and answers 404 Not Found for a missing branch', async () => {
      const { data } = await octokit.rest.git.getRef({
        owner,
        repo,
        ref: 'heads/main',
      });
      expect(data.ref).toBe('refs/heads/main');
      expect(data.object).toMatchObject({ sha: seed, type: 'commit' });

      const missing = await failure(
        octokit.rest.git.getRef({ owner, repo, ref: 'heads/nope' }),
      );
      expect(missing.status).toBe(404);
      expect(missing.data).toMatchObject({
        message: 'Not Found',
        status: '404',
      });
      expect(missing.data.documentation_url).toMatch(
        /^https:\/\/docs\.github\.com\//,
      );
    });

    it('reads a commit object', async () => {
      const { data } = await octokit.rest.git.getCommit({
        owner,
        repo,
        commit_sha: seed,
      });
      expect(data.sha).toBe(seed);
      expect(data.tree.sha).toBe(
        gitIn(dir, 'rev-parse', `${seed}^{tree}`).trim(),
      );
      expect(data.parents).toEqual([]);
      expect(data.message).toBe('Seed');
      expect(data.author).toMatchObject({
        name: 'Seed',
        email: 'seed@example.com',
      });
      expect(data.html_url).toBe(
        `https://github.com/acme/deploy/commit/${seed}`,
      );
      expect(
        (
          await failure(
            octokit.rest.git.getCommit({
              owner,
              repo,
              commit_sha: 'f'.repeat(40),
            }),
          )
        ).status,
      ).toBe(404);
    });

    it('writes a multi-file commit through trees, commits and a ref update, visible in git log', async () => {
      const parent = head();
      const sha = await makeCommit(
        parent,
        {
          'cart/overlays/dev/kustomization.yaml':
            'images:\n  - name: cart\n    newTag: 1.1.0\n',
          'orders/values.yaml': 'image:\n  tag: 2.1.0\n',
          'README.md': null,
        },
        'Deploy cart 1.1.0 and orders 2.1.0',
      );
      const { data } = await octokit.rest.git.updateRef({
        owner,
        repo,
        ref: 'heads/main',
        sha,
        force: false,
      });
      expect(data.object.sha).toBe(sha);

      const log = gitIn(dir, 'log', '--format=%H %P %an <%ae> %s', 'main')
        .trim()
        .split('\n');
      expect(log[0]).toBe(
        `${sha} ${parent} Dana Deployer <dana@example.com> Deploy cart 1.1.0 and orders 2.1.0`,
      );
      const changed = gitIn(dir, 'show', '--name-status', '--format=', sha)
        .trim()
        .split('\n');
      expect(changed.sort()).toEqual(
        [
          'D\tREADME.md',
          'M\tcart/overlays/dev/kustomization.yaml',
          'M\torders/values.yaml',
        ].sort(),
      );
      expect(gitIn(dir, 'show', `${sha}:orders/values.yaml`)).toBe(
        'image:\n  tag: 2.1.0\n',
      );
      expect(
        gitIn(
          dir,
          'show',
          `${sha}:cart/overlays/production/kustomization.yaml`,
        ),
      ).toBe(seedFiles['cart/overlays/production/kustomization.yaml']);
    });

    it('answers a tree with its entries and rejects a bad base tree', async () => {
      const { data: commit } = await octokit.rest.git.getCommit({
        owner,
        repo,
        commit_sha: head(),
      });
      const { data: tree } = await octokit.rest.git.createTree({
        owner,
        repo,
        base_tree: commit.tree.sha,
        tree: [
          { path: 'new/file.txt', mode: '100644', type: 'blob', content: 'x' },
        ],
      });
      expect(tree.truncated).toBe(false);
      expect(tree.tree.map(e => e.path)).toEqual(
        expect.arrayContaining(['cart', 'new', 'orders']),
      );
      const bad = await failure(
        octokit.rest.git.createTree({
          owner,
          repo,
          base_tree: 'a'.repeat(40),
          tree: [],
        }),
      );
      expect(bad.status).toBe(422);
    });

    it('reads a tree by its sha or a commit, recursively with any recursive value, and answers 404 for an unknown one', async () => {
      const { data: commit } = await octokit.rest.git.getCommit({
        owner,
        repo,
        commit_sha: seed,
      });
      const { data: top } = await octokit.rest.git.getTree({
        owner,
        repo,
        tree_sha: commit.tree.sha,
      });
      expect(top.sha).toBe(commit.tree.sha);
      expect(top.tree.map(e => `${e.type} ${e.path}`)).toEqual([
        'blob README.md',
        'tree cart',
        'tree orders',
      ]);
      expect(top.tree[0]).toMatchObject({ mode: '100644', size: 9 });
      // GitHub recurses for any value, `false` included, and lists the
      // subtrees on the way as entries of their own.
      for (const recursive of ['1', 'false']) {
        const { data } = await octokit.rest.git.getTree({
          owner,
          repo,
          tree_sha: seed,
          recursive,
        });
        expect(data.sha).toBe(commit.tree.sha);
        expect(data.truncated).toBe(false);
        expect(data.tree.map(e => e.path)).toEqual([
          'README.md',
          'cart',
          'cart/overlays',
          'cart/overlays/dev',
          'cart/overlays/dev/kustomization.yaml',
          'cart/overlays/production',
          'cart/overlays/production/kustomization.yaml',
          'orders',
          'orders/values.yaml',
        ]);
      }
      const cart = top.tree.find(e => e.path === 'cart')!;
      const { data: sub } = await octokit.rest.git.getTree({
        owner,
        repo,
        tree_sha: cart.sha!,
      });
      expect(sub.tree.map(e => e.path)).toEqual(['overlays']);
      const missing = await failure(
        octokit.rest.git.getTree({ owner, repo, tree_sha: 'b'.repeat(40) }),
      );
      expect(missing.status).toBe(404);
    });

    it('refuses a non-fast-forward update with 422 and leaves the ref where it was', async () => {
      const before = head();
      const sideways = await makeCommit(
        gitIn(dir, 'rev-parse', `${before}~1`).trim(),
        {
          'orders/values.yaml': 'image:\n  tag: 9.9.9\n',
        },
      );
      const rejected = await failure(
        octokit.rest.git.updateRef({
          owner,
          repo,
          ref: 'heads/main',
          sha: sideways,
          force: false,
        }),
      );
      expect(rejected.status).toBe(422);
      expect(rejected.data).toMatchObject({
        message: 'Update is not a fast forward',
        status: '422',
      });
      expect(head()).toBe(before);

      // force moves it, and moving back restores the branch for later tests.
      await octokit.rest.git.updateRef({
        owner,
        repo,
        ref: 'heads/main',
        sha: sideways,
        force: true,
      });
      expect(head()).toBe(sideways);
      await octokit.rest.git.updateRef({
        owner,
        repo,
        ref: 'heads/main',
        sha: before,
        force: true,
      });
      expect(head()).toBe(before);
    });

    it('lets exactly one of 20 concurrent fast-forward updates from the same parent win', async () => {
      const parent = head();
      const candidates = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          makeCommit(
            parent,
            { 'orders/values.yaml': `image:\n  tag: 3.0.${i}\n` },
            `Race ${i}`,
          ),
        ),
      );
      const results = await Promise.allSettled(
        candidates.map(sha =>
          octokit.rest.git.updateRef({
            owner,
            repo,
            ref: 'heads/main',
            sha,
            force: false,
          }),
        ),
      );
      const won = results.filter(r => r.status === 'fulfilled');
      const lost = results.filter(
        (r): r is PromiseRejectedResult => r.status === 'rejected',
      );
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(19);
      for (const r of lost) {
        expect(r.reason.status).toBe(422);
        expect(r.reason.response.data.message).toBe(
          'Update is not a fast forward',
        );
      }
      const winner =
        candidates[results.findIndex(r => r.status === 'fulfilled')];
      expect(head()).toBe(winner);
      expect(gitIn(dir, 'rev-parse', `${winner}~1`).trim()).toBe(parent);
    });

    it('creates a branch, and answers 422 when it already exists', async () => {
      const sha = head();
      const { data, status } = await octokit.rest.git.createRef({
        owner,
        repo,
        ref: 'refs/heads/feature',
        sha,
      });
      expect(status).toBe(201);
      expect(data).toMatchObject({
        ref: 'refs/heads/feature',
        object: { sha },
      });
      expect(head('feature')).toBe(sha);
      const again = await failure(
        octokit.rest.git.createRef({
          owner,
          repo,
          ref: 'refs/heads/feature',
          sha,
        }),
      );
      expect(again.status).toBe(422);
      expect(again.data.message).toBe('Reference already exists');
      const missing = await failure(
        octokit.rest.git.updateRef({
          owner,
          repo,
          ref: 'heads/absent',
          sha,
          force: false,
        }),
      );
      expect(missing.status).toBe(422);
      expect(missing.data.message).toBe('Reference does not exist');
    });

    it('handles branch names with slashes', async () => {
      const sha = head();
      await octokit.rest.git.createRef({
        owner,
        repo,
        ref: 'refs/heads/shipdeck/cart-prod',
        sha,
      });
      const { data } = await octokit.rest.git.getRef({
        owner,
        repo,
        ref: 'heads/shipdeck/cart-prod',
      });
      expect(data.object.sha).toBe(sha);
    });
  });

  describe('contents', () => {
    it('serves a file as wrapped base64 with its blob sha, at a branch or a commit', async () => {
      const path = 'cart/overlays/production/kustomization.yaml';
      const { data } = await octokit.rest.repos.getContent({
        owner,
        repo,
        path,
        ref: seed,
      });
      if (Array.isArray(data) || data.type !== 'file') {
        throw new Error('expected a file');
      }
      expect(data).toMatchObject({
        type: 'file',
        encoding: 'base64',
        path,
        name: 'kustomization.yaml',
      });
      expect(Buffer.from(data.content, 'base64').toString('utf8')).toBe(
        seedFiles[path],
      );
      expect(data.sha).toBe(gitIn(dir, 'rev-parse', `${seed}:${path}`).trim());
      expect(data.size).toBe(Buffer.byteLength(seedFiles[path]));

      const { data: onMain } = await octokit.rest.repos.getContent({
        owner,
        repo,
        path: 'README.md',
        ref: seed,
      });
      expect(Array.isArray(onMain)).toBe(false);
    });

    it('answers 404 for a missing file, an unknown ref, and a path deleted at a later commit', async () => {
      expect(
        (
          await failure(
            octokit.rest.repos.getContent({
              owner,
              repo,
              path: 'nope.yaml',
              ref: 'main',
            }),
          )
        ).status,
      ).toBe(404);
      const badRef = await failure(
        octokit.rest.repos.getContent({
          owner,
          repo,
          path: 'README.md',
          ref: 'no-such-branch',
        }),
      );
      expect(badRef.status).toBe(404);
      expect(badRef.data.message).toBe(
        'No commit found for the ref no-such-branch',
      );
      expect(
        (
          await failure(
            octokit.rest.repos.getContent({
              owner,
              repo,
              path: 'README.md',
              ref: 'main',
            }),
          )
        ).status,
      ).toBe(404);
    });

    it('lists a directory', async () => {
      const { data } = await octokit.rest.repos.getContent({
        owner,
        repo,
        path: 'cart/overlays',
        ref: seed,
      });
      expect(Array.isArray(data) && data.map(e => [e.name, e.type])).toEqual([
        ['dev', 'dir'],
        ['production', 'dir'],
      ]);
    });

    it('sends large files without content in JSON, and whole with the raw media type', async () => {
      const big = 'x: y\n'.repeat(20000); // 100 kB, over this stand-in's 64 kB limit
      const sha = await makeCommit(head(), { 'big.yaml': big });
      const { data } = await octokit.rest.repos.getContent({
        owner,
        repo,
        path: 'big.yaml',
        ref: sha,
      });
      expect(data).toMatchObject({
        content: '',
        encoding: 'none',
        size: big.length,
      });
      const raw = await octokit.rest.repos.getContent({
        owner,
        repo,
        path: 'big.yaml',
        ref: sha,
        mediaType: { format: 'raw' },
      });
      expect(raw.data).toBe(big);
    });
  });

  describe('pull requests', () => {
    let headSha: string;

    beforeAll(async () => {
      headSha = await makeCommit(
        head(),
        {
          'cart/overlays/production/kustomization.yaml':
            'images:\n  - name: cart\n    newTag: 1.1.0\n',
        },
        'Promote cart 1.1.0',
      );
      await octokit.rest.git.createRef({
        owner,
        repo,
        ref: 'refs/heads/shipdeck/promote-cart',
        sha: headSha,
      });
      const other = await makeCommit(head(), {
        'orders/values.yaml': 'image:\n  tag: 7.0.0\n',
      });
      await octokit.rest.git.createRef({
        owner,
        repo,
        ref: 'refs/heads/shipdeck/promote-orders',
        sha: other,
      });
    });

    it("opens a pull request, and answers GitHub's 422 for a second one with the same head and base", async () => {
      const { data, status } = await octokit.rest.pulls.create({
        owner,
        repo,
        head: 'acme:shipdeck/promote-cart',
        base: 'main',
        title: 'Promote cart',
        body: 'Body',
      });
      expect(status).toBe(201);
      expect(data).toMatchObject({
        number: 1,
        state: 'open',
        title: 'Promote cart',
        body: 'Body',
        merged: false,
        html_url: 'https://github.com/acme/deploy/pull/1',
        head: {
          ref: 'shipdeck/promote-cart',
          sha: headSha,
          label: 'acme:shipdeck/promote-cart',
        },
        base: { ref: 'main', sha: head() },
        commits: 1,
        changed_files: 1,
      });

      const duplicate = await failure(
        octokit.rest.pulls.create({
          owner,
          repo,
          head: 'shipdeck/promote-cart',
          base: 'main',
          title: 'Again',
        }),
      );
      expect(duplicate.status).toBe(422);
      expect(duplicate.data).toEqual({
        message: 'Validation Failed',
        errors: [
          {
            resource: 'PullRequest',
            code: 'custom',
            message:
              'A pull request already exists for acme:shipdeck/promote-cart.',
          },
        ],
        documentation_url:
          'https://docs.github.com/rest/pulls/pulls#create-a-pull-request',
        status: '422',
      });
    });

    it('refuses pull requests without commits or with a missing head', async () => {
      const noCommits = await failure(
        octokit.rest.pulls.create({
          owner,
          repo,
          head: 'acme:feature',
          base: 'main',
          title: 'Nothing',
        }),
      );
      expect(noCommits.status).toBe(422);
      expect(noCommits.data.errors[0].message).toBe(
        'No commits between main and feature',
      );
      const missing = await failure(
        octokit.rest.pulls.create({
          owner,
          repo,
          head: 'acme:gone',
          base: 'main',
          title: 'Gone',
        }),
      );
      expect(missing.status).toBe(422);
      expect(missing.data.errors).toEqual([
        { resource: 'PullRequest', field: 'head', code: 'invalid' },
      ]);
    });

    it('filters the list by owner:branch head and by base', async () => {
      await octokit.rest.pulls.create({
        owner,
        repo,
        head: 'acme:shipdeck/promote-orders',
        base: 'main',
        title: 'Promote orders',
      });
      const list = async (params: {
        head?: string;
        base?: string;
        state?: 'open' | 'closed' | 'all';
      }) =>
        (await octokit.rest.pulls.list({ owner, repo, ...params })).data.map(
          p => p.number,
        );

      expect(await list({})).toEqual([2, 1]);
      expect(
        await list({ head: 'acme:shipdeck/promote-cart', base: 'main' }),
      ).toEqual([1]);
      expect(await list({ head: 'acme:shipdeck/promote-orders' })).toEqual([2]);
      expect(
        await list({ head: 'acme:shipdeck/promote-cart', base: 'production' }),
      ).toEqual([]);
      expect(
        await list({ head: 'someone-else:shipdeck/promote-cart' }),
      ).toEqual([]);
      // GitHub ignores a head filter without the owner prefix.
      expect(await list({ head: 'shipdeck/promote-cart' })).toEqual([2, 1]);
      expect(await list({ state: 'closed' })).toEqual([]);
    });

    it('pages the list with a Link header', async () => {
      const page1 = await octokit.rest.pulls.list({ owner, repo, per_page: 1 });
      expect(page1.data.map(p => p.number)).toEqual([2]);
      expect(page1.headers.link).toContain('rel="next"');
      const all = await octokit.paginate(octokit.rest.pulls.list, {
        owner,
        repo,
        per_page: 1,
      });
      expect(all.map(p => p.number)).toEqual([2, 1]);
    });

    it('updates title and body, and reads the pull request back', async () => {
      const { data } = await octokit.rest.pulls.update({
        owner,
        repo,
        pull_number: 1,
        title: 'Promote cart 1.1.0',
        body: 'New body',
      });
      expect(data).toMatchObject({
        number: 1,
        title: 'Promote cart 1.1.0',
        body: 'New body',
        state: 'open',
      });
      const { data: read } = await octokit.rest.pulls.get({
        owner,
        repo,
        pull_number: 1,
      });
      expect(read).toMatchObject({
        title: 'Promote cart 1.1.0',
        mergeable: true,
        mergeable_state: 'clean',
      });
      expect(
        (
          await failure(
            octokit.rest.pulls.get({ owner, repo, pull_number: 99 }),
          )
        ).status,
      ).toBe(404);
    });

    it('follows the head branch as it moves', async () => {
      const moved = await makeCommit(headSha, {
        'cart/overlays/production/kustomization.yaml':
          'images:\n  - name: cart\n    newTag: 1.2.0\n',
      });
      await octokit.rest.git.updateRef({
        owner,
        repo,
        ref: 'heads/shipdeck/promote-cart',
        sha: moved,
        force: true,
      });
      const { data } = await octokit.rest.pulls.get({
        owner,
        repo,
        pull_number: 1,
      });
      expect(data.head.sha).toBe(moved);
      expect(data.commits).toBe(2);
      headSha = moved;
    });

    it('merges with a merge commit, refuses a stale sha and a second merge', async () => {
      const stale = await failure(
        octokit.rest.pulls.merge({
          owner,
          repo,
          pull_number: 1,
          sha: 'b'.repeat(40),
        }),
      );
      expect(stale.status).toBe(409);

      const base = head();
      const { data } = await octokit.rest.pulls.merge({
        owner,
        repo,
        pull_number: 1,
      });
      expect(data).toEqual({
        sha: head(),
        merged: true,
        message: 'Pull Request successfully merged',
      });
      const parents = gitIn(dir, 'log', '-1', '--format=%P', data.sha)
        .trim()
        .split(' ');
      expect(parents).toEqual([base, headSha]);
      expect(gitIn(dir, 'log', '-1', '--format=%s', data.sha).trim()).toBe(
        'Merge pull request #1 from acme/shipdeck/promote-cart',
      );
      expect(
        gitIn(dir, 'show', `main:cart/overlays/production/kustomization.yaml`),
      ).toContain('1.2.0');

      const { data: merged } = await octokit.rest.pulls.get({
        owner,
        repo,
        pull_number: 1,
      });
      expect(merged).toMatchObject({
        state: 'closed',
        merged: true,
        merge_commit_sha: data.sha,
      });
      expect(merged.merged_at).toEqual(expect.any(String));
      expect(
        (
          await failure(
            octokit.rest.pulls.merge({ owner, repo, pull_number: 1 }),
          )
        ).status,
      ).toBe(405);
      expect(
        await octokit.rest.pulls
          .list({ owner, repo, state: 'closed' })
          .then(r => r.data.map(p => p.number)),
      ).toEqual([1]);
    });

    it('squashes, and fast-forwards with the rebase method', async () => {
      const base = head();
      const squash = await octokit.rest.pulls.merge({
        owner,
        repo,
        pull_number: 2,
        merge_method: 'squash',
      });
      expect(
        gitIn(dir, 'log', '-1', '--format=%P', squash.data.sha).trim(),
      ).toBe(base);
      expect(gitIn(dir, 'show', 'main:orders/values.yaml')).toBe(
        'image:\n  tag: 7.0.0\n',
      );

      const next = await makeCommit(head(), {
        'orders/values.yaml': 'image:\n  tag: 7.1.0\n',
      });
      await octokit.rest.git.createRef({
        owner,
        repo,
        ref: 'refs/heads/ff',
        sha: next,
      });
      const { data: pull } = await octokit.rest.pulls.create({
        owner,
        repo,
        head: 'acme:ff',
        base: 'main',
        title: 'FF',
      });
      const rebase = await octokit.rest.pulls.merge({
        owner,
        repo,
        pull_number: pull.number,
        merge_method: 'rebase',
      });
      expect(rebase.data.sha).toBe(next);
      expect(head()).toBe(next);
    });

    it('closes a pull request with PATCH state', async () => {
      const sha = await makeCommit(head(), { 'x.txt': 'x' });
      await octokit.rest.git.createRef({
        owner,
        repo,
        ref: 'refs/heads/to-close',
        sha,
      });
      const { data: pull } = await octokit.rest.pulls.create({
        owner,
        repo,
        head: 'acme:to-close',
        base: 'main',
        title: 'Close me',
      });
      const { data } = await octokit.rest.pulls.update({
        owner,
        repo,
        pull_number: pull.number,
        state: 'closed',
      });
      expect(data).toMatchObject({ state: 'closed', merged: false });
      expect(data.closed_at).toEqual(expect.any(String));
      expect(
        (await octokit.rest.pulls.list({ owner, repo, head: 'acme:to-close' }))
          .data,
      ).toEqual([]);
    });
  });

  describe('HTTP behaviour', () => {
    it('answers 401 Bad credentials without a valid token, and accepts token and Bearer', async () => {
      const app = standIn.current!.app;
      const missing = await request(app).get('/repos/acme/deploy');
      expect(missing.status).toBe(401);
      expect(missing.body).toMatchObject({ message: 'Bad credentials' });
      expect(
        (
          await request(app)
            .get('/repos/acme/deploy')
            .set('Authorization', 'token wrong')
        ).status,
      ).toBe(401);
      expect(
        (
          await request(app)
            .get('/repos/acme/deploy')
            .set('Authorization', `token ${TOKEN}`)
        ).status,
      ).toBe(200);
      expect(
        (
          await request(app)
            .get('/repos/acme/deploy')
            .set('Authorization', `Bearer ${TOKEN}`)
        ).status,
      ).toBe(200);
      const bad = validatingOctokit(server.url, 'nope').octokit;
      expect((await failure(bad.rest.repos.get({ owner, repo }))).status).toBe(
        401,
      );
    });

    it('sends rate-limit headers and counts down', async () => {
      const first = await octokit.rest.repos.get({ owner, repo });
      const second = await octokit.rest.repos.get({ owner, repo });
      expect(first.headers['x-ratelimit-limit']).toBe('5000');
      expect(Number(second.headers['x-ratelimit-remaining'])).toBe(
        Number(first.headers['x-ratelimit-remaining']) - 1,
      );
      expect(Number(first.headers['x-ratelimit-reset'])).toBeGreaterThan(
        Date.now() / 1000,
      );
    });

    it('answers 403 with remaining 0 once the primary limit is spent', async () => {
      const limited = createGitHubStandIn({
        repos: [{ owner, repo, dir }],
        rateLimit: { limit: 2 },
      });
      const app = limited.app;
      expect((await request(app).get('/repos/acme/deploy')).status).toBe(200);
      expect((await request(app).get('/repos/acme/deploy')).status).toBe(200);
      const spent = await request(app).get('/repos/acme/deploy');
      expect(spent.status).toBe(403);
      expect(spent.headers['x-ratelimit-remaining']).toBe('0');
      expect(spent.body.message).toMatch(/^API rate limit exceeded/);
    });

    it('counts every request, answered or not', async () => {
      standIn.current!.resetCalls();
      await octokit.rest.git.getRef({ owner, repo, ref: 'heads/main' });
      await failure(
        octokit.rest.git.getRef({ owner, repo, ref: 'heads/nope' }),
      );
      await request(standIn.current!.app).get('/repos/acme/deploy');
      expect(standIn.current!.calls).toEqual([
        {
          method: 'GET',
          path: '/repos/acme/deploy/git/ref/heads%2Fmain',
          status: 200,
        },
        {
          method: 'GET',
          path: '/repos/acme/deploy/git/ref/heads%2Fnope',
          status: 404,
        },
        { method: 'GET', path: '/repos/acme/deploy', status: 401 },
      ]);
    });

    it('answers 404 for unknown repositories and routes', async () => {
      expect(
        (await failure(octokit.rest.repos.get({ owner, repo: 'other' })))
          .status,
      ).toBe(404);
      const res = await request(standIn.current!.app)
        .get('/nowhere')
        .set('Authorization', `token ${TOKEN}`);
      expect(res.status).toBe(404);
      expect(res.body.message).toBe('Not Found');
    });
  });

  it("validated every response above against GitHub's OpenAPI description", () => {
    expect([...checked].sort()).toEqual(
      expect.arrayContaining([
        'repos/get 200',
        'repos/get 404',
        'git/get-ref 200',
        'git/get-ref 404',
        'git/get-commit 200',
        'git/get-commit 404',
        'repos/get-content 200',
        'repos/get-content 404',
        'git/create-tree 201',
        'git/get-tree 200',
        'git/get-tree 404',
        'git/create-tree 422',
        'git/create-commit 201',
        'git/update-ref 200',
        'git/update-ref 422',
        'git/create-ref 201',
        'git/create-ref 422',
        'pulls/list 200',
        'pulls/create 201',
        'pulls/create 422',
        'pulls/update 200',
        'pulls/get 200',
        'pulls/get 404',
        'pulls/merge 200',
        'pulls/merge 405',
        'pulls/merge 409',
      ]),
    );
  });
});
