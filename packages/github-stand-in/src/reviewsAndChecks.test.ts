import { execFileSync } from 'node:child_process';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { rm } from 'node:fs/promises';
import { createGitHubStandIn } from './server';
import { seedBareRepository } from './seed';
import { webhookSignature } from './webhooks';
import { validatingOctokit } from './__testUtils__/octokit';

const TOKEN = 'ghp_standin';
const owner = 'acme';
const repo = 'deploy';
const SECRET = 'hook-secret';

/** A webhook receiver that keeps what it got. */
async function receiver() {
  const got: Array<{ headers: IncomingMessage['headers']; body: string }> = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
      got.push({
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      res.writeHead(202).end();
    });
  });
  await new Promise<void>(done => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    got,
    close: () => new Promise(done => server.close(done)),
  };
}

describe('GitHub stand-in: reviews, checks, conditional reads and webhooks', () => {
  let dir: string;
  let server: { url: string; close(): Promise<void> };
  let hook: Awaited<ReturnType<typeof receiver>>;
  let standIn: ReturnType<typeof createGitHubStandIn>;
  let octokit: ReturnType<typeof validatingOctokit>['octokit'];
  let checked: Set<string>;
  let head: string;

  beforeAll(async () => {
    ({ dir } = await seedBareRepository({
      files: { 'a.yaml': 'tag: 1\n' },
    }));
    hook = await receiver();
    standIn = createGitHubStandIn({
      repos: [{ owner, repo, dir }],
      token: TOKEN,
      webhooks: [{ url: hook.url, secret: SECRET }],
    });
    server = await standIn.start();
    ({ octokit, checked } = validatingOctokit(server.url, TOKEN));
    // A branch one commit ahead of main, and its pull request.
    const main = execFileSync('git', ['--git-dir', dir, 'rev-parse', 'main'], {
      encoding: 'utf8',
    }).trim();
    const { data: base } = await octokit.rest.git.getCommit({
      owner,
      repo,
      commit_sha: main,
    });
    const { data: tree } = await octokit.rest.git.createTree({
      owner,
      repo,
      base_tree: base.tree.sha,
      tree: [
        { path: 'a.yaml', mode: '100644', type: 'blob', content: 'tag: 2\n' },
      ],
    });
    const { data: commit } = await octokit.rest.git.createCommit({
      owner,
      repo,
      message: 'Tag 2',
      tree: tree.sha,
      parents: [main],
    });
    head = commit.sha;
    await octokit.rest.git.createRef({
      owner,
      repo,
      ref: 'refs/heads/shipdeck/a',
      sha: head,
    });
    await octokit.rest.pulls.create({
      owner,
      repo,
      head: 'shipdeck/a',
      base: 'main',
      title: 'Tag 2',
    });
  });

  afterAll(async () => {
    await server?.close();
    await hook?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers a pull request read with an ETag, and 304 for it without counting it', async () => {
    const first = await fetch(`${server.url}/repos/${owner}/${repo}/pulls/1`, {
      headers: { authorization: `token ${TOKEN}` },
    });
    const etag = first.headers.get('etag')!;
    expect(first.status).toBe(200);
    expect(etag).toMatch(/^W\/"[0-9a-f]{64}"$/);
    const used = Number(first.headers.get('x-ratelimit-used'));
    const again = await fetch(`${server.url}/repos/${owner}/${repo}/pulls/1`, {
      headers: { authorization: `token ${TOKEN}`, 'if-none-match': etag },
    });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect(Number(again.headers.get('x-ratelimit-used'))).toBe(used);
    expect(standIn.calls.at(-1)).toMatchObject({
      method: 'GET',
      path: `/repos/${owner}/${repo}/pulls/1`,
      ifNoneMatch: etag,
      status: 304,
    });
    // A change is a new ETag.
    await octokit.rest.pulls.update({
      owner,
      repo,
      pull_number: 1,
      title: 'Tag 2, please',
    });
    const changed = await fetch(
      `${server.url}/repos/${owner}/${repo}/pulls/1`,
      {
        headers: { authorization: `token ${TOKEN}`, 'if-none-match': etag },
      },
    );
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
  });

  it('keeps reviews, check runs and commit statuses in GitHub’s shapes', async () => {
    await octokit.rest.pulls.createReview({
      owner,
      repo,
      pull_number: 1,
      event: 'REQUEST_CHANGES',
      body: 'Not yet',
    });
    const { data: reviews } = await octokit.rest.pulls.listReviews({
      owner,
      repo,
      pull_number: 1,
    });
    expect(reviews.map(r => r.state)).toEqual(['CHANGES_REQUESTED']);
    expect(reviews[0].commit_id).toBe(head);

    const { data: run } = await octokit.rest.checks.create({
      owner,
      repo,
      name: 'ci',
      head_sha: head,
      status: 'in_progress',
    });
    expect(run).toMatchObject({ status: 'in_progress', conclusion: null });
    await octokit.rest.checks.update({
      owner,
      repo,
      check_run_id: run.id,
      conclusion: 'failure',
    });
    const { data: runs } = await octokit.rest.checks.listForRef({
      owner,
      repo,
      ref: head,
    });
    expect(runs.total_count).toBe(1);
    expect(runs.check_runs[0]).toMatchObject({
      status: 'completed',
      conclusion: 'failure',
    });

    const none = await octokit.rest.repos.getCombinedStatusForRef({
      owner,
      repo,
      ref: head,
    });
    expect(none.data).toMatchObject({ state: 'pending', total_count: 0 });
    await octokit.rest.repos.createCommitStatus({
      owner,
      repo,
      sha: head,
      state: 'pending',
      context: 'deploy-check',
    });
    await octokit.rest.repos.createCommitStatus({
      owner,
      repo,
      sha: head,
      state: 'success',
      context: 'deploy-check',
    });
    const { data: combined } = await octokit.rest.repos.getCombinedStatusForRef(
      { owner, repo, ref: 'shipdeck/a' },
    );
    expect(combined).toMatchObject({
      state: 'success',
      total_count: 1,
      sha: head,
    });

    const refused = await octokit.rest.pulls
      .createReview({ owner, repo, pull_number: 1, event: 'LGTM' as any })
      .catch(e => e);
    expect(refused.status).toBe(422);
    expect(refused.response.data.errors).toEqual(['Invalid event: "LGTM"']);
    expect([...checked].sort()).toEqual(
      expect.arrayContaining([
        'checks/create 201',
        'checks/list-for-ref 200',
        'checks/update 200',
        'pulls/create-review 200',
        'pulls/create-review 422',
        'pulls/list-reviews 200',
        'repos/create-commit-status 201',
        'repos/get-combined-status-for-ref 200',
      ]),
    );
  });

  it('delivers signed webhook events for pull requests, reviews, checks and statuses', async () => {
    await octokit.rest.pulls.update({
      owner,
      repo,
      pull_number: 1,
      state: 'closed',
    });
    await standIn.webhooksIdle();
    const events = hook.got.map(d => d.headers['x-github-event']);
    expect(events).toEqual([
      'pull_request',
      'pull_request_review',
      'check_run',
      'check_run',
      'status',
      'status',
      'pull_request',
    ]);
    for (const delivery of hook.got) {
      expect(delivery.headers['x-hub-signature-256']).toBe(
        webhookSignature(SECRET, delivery.body),
      );
      expect(JSON.parse(delivery.body).repository.full_name).toBe(
        'acme/deploy',
      );
    }
    const closed = JSON.parse(hook.got.at(-1)!.body);
    expect(closed).toMatchObject({
      action: 'closed',
      number: 1,
      pull_request: { state: 'closed', merged: false },
    });
    expect(standIn.deliveries.every(d => d.status === 202)).toBe(true);
  });
});
