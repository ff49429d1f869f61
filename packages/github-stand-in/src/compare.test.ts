import { execFileSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { createGitHubStandIn } from './server';
import { seedBareRepository } from './seed';
import { validatingOctokit } from './__testUtils__/octokit';

const owner = 'acme';
const repo = 'cart';

function gitIn(dir: string, args: string[], input?: string) {
  return execFileSync('git', ['--git-dir', dir, ...args], {
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
}

describe('GitHub stand-in: compare two commits', () => {
  let dir: string;
  let seed: string;
  let shas: string[];
  let server: { url: string; close(): Promise<void> };
  let octokit: ReturnType<typeof validatingOctokit>['octokit'];
  let checked: Set<string>;

  beforeAll(async () => {
    ({ dir, head: seed } = await seedBareRepository({
      files: { 'README.md': '# cart\n' },
    }));
    gitIn(dir, ['tag', 'v1.0.0', seed]);
    const tree = gitIn(dir, ['rev-parse', `${seed}^{tree}`]);
    shas = [];
    let parent = seed;
    for (const message of ['Add checkout\n\nWith a body.', 'Fix totals']) {
      parent = gitIn(dir, ['commit-tree', tree, '-p', parent], message);
      shas.push(parent);
    }
    gitIn(dir, ['update-ref', 'refs/heads/main', parent]);
    gitIn(dir, ['tag', '1.1.0', parent]);
    const standIn = createGitHubStandIn({ repos: [{ owner, repo, dir }] });
    server = await standIn.start();
    ({ octokit, checked } = validatingOctokit(server.url));
  });

  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('lists the commits head has and base has not, oldest first, as GitHub describes them', async () => {
    const { data } = await octokit.rest.repos.compareCommitsWithBasehead({
      owner,
      repo,
      basehead: 'v1.0.0...1.1.0',
    });
    expect(data.status).toBe('ahead');
    expect(data.ahead_by).toBe(2);
    expect(data.behind_by).toBe(0);
    expect(data.total_commits).toBe(2);
    expect(data.base_commit.sha).toBe(seed);
    expect(data.commits.map(c => c.sha)).toEqual(shas);
    expect(data.commits[0].commit.message).toBe('Add checkout\n\nWith a body.');
    expect(data.commits[0].commit.author?.name).toBe('Alice Author');
    expect(data.commits[0].html_url).toBe(
      `https://github.com/acme/cart/commit/${shas[0]}`,
    );
    expect(checked).toContain('repos/compare-commits-with-basehead 200');
  });

  it('compares commit SHAs and branches, and says behind the other way round', async () => {
    const { data } = await octokit.rest.repos.compareCommitsWithBasehead({
      owner,
      repo,
      basehead: `main...${seed.slice(0, 7)}`,
    });
    expect(data.status).toBe('behind');
    expect(data.behind_by).toBe(2);
    expect(data.commits).toEqual([]);
  });

  it('answers 404 for a ref that does not exist or a malformed basehead', async () => {
    for (const basehead of ['v9.9.9...main', 'main']) {
      await expect(
        octokit.rest.repos.compareCommitsWithBasehead({
          owner,
          repo,
          basehead,
        }),
      ).rejects.toMatchObject({ status: 404 });
    }
  });
});
