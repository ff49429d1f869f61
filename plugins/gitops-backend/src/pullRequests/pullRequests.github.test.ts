import { AddressInfo } from 'node:net';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import eventsPlugin from '@backstage/plugin-events-backend';
import { Octokit } from '@octokit/rest';
import { webhookSignature } from '@shipdeck/github-stand-in';
import request from 'supertest';
import { startGitHubBackend } from '../__testUtils__/githubBackend';
import { HandDrivenScheduler } from '../__testUtils__/handDrivenScheduler';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { PULL_REQUEST_TASK_ID } from '../plugin';
import { gitopsGitHubWebhooksModule } from './GitHubWebhooks';

jest.setTimeout(120_000);

const databases = createTestDatabases();
const user = mockCredentials.user.header('user:default/guest');
const api = '/api/gitops';
const SECRET = 'webhook-secret';

describe.each(databases.eachSupportedId())(
  'pull requests on GitHub (stand-in) on %s',
  databaseId => {
    const stops: Array<() => Promise<void>> = [];
    afterEach(async () => {
      await Promise.all(stops.splice(0).map(stop => stop()));
    });

    async function start() {
      const tasks = new HandDrivenScheduler();
      const bus = mockServices.events();
      const backend = await startGitHubBackend({
        knex: await databases.init(databaseId),
        features: [
          tasks.factory(),
          eventsPlugin,
          gitopsGitHubWebhooksModule,
          // One bus for all plugins, as in a backend (the default mock has one per plugin).
          createServiceFactory({
            service: eventsServiceRef,
            deps: {},
            factory: () => bus,
          }),
        ],
        gitops: config => ({
          ...config,
          github: { ...config.github, webhookSecret: SECRET },
        }),
      });
      stops.push(backend.close);
      // GitHub, as the people who review and merge use it.
      const github = new Octokit({ baseUrl: backend.url, auth: 'ghp_test' });
      const repo = { owner: 'shop', repo: 'deploy' };
      const deploy = async (version: string) =>
        (
          await request(backend.server)
            .post(`${api}/entities/default/component/cart/deployments`)
            .set('Authorization', user)
            .send({ environment: 'production', version })
            .expect(202)
        ).body;
      const record = async (id: string) =>
        (
          await request(backend.server)
            .get(`${api}/deployments/${id}`)
            .set('Authorization', user)
            .expect(200)
        ).body;
      const pending = async () =>
        (
          await request(backend.server)
            .get(`${api}/entities/default/component/cart/environments`)
            .set('Authorization', user)
            .expect(200)
        ).body.environments.find(
          (e: any) => e.environment.name === 'production',
        ).pendingPullRequest;
      const look = () => tasks.triggerTask(PULL_REQUEST_TASK_ID);
      const webhookUrl = `http://127.0.0.1:${
        (backend.server.address() as AddressInfo).port
      }/api/events/http/github`;
      return {
        ...backend,
        github,
        repo,
        deploy,
        record,
        pending,
        look,
        webhookUrl,
      };
    }

    it('sees review, checks and the merge on GitHub; an unchanged pull request costs 304s', async () => {
      const {
        server,
        github,
        repo,
        standIn,
        deploy,
        record,
        pending,
        look,
        git,
      } = await start();
      const outcome = await deploy('1.11.4');
      const id = outcome.deployments[0].id;
      expect(outcome.pullRequest.number).toBe(1);
      await look();
      expect(await pending()).toEqual({
        number: 1,
        url: outcome.pullRequest.url,
        state: 'open',
        deploymentId: id,
      });

      const { data: pull } = await github.rest.pulls.get({
        ...repo,
        pull_number: 1,
      });
      await github.rest.pulls.createReview({
        ...repo,
        pull_number: 1,
        event: 'APPROVE',
        headers: { 'x-stand-in-login': 'reviewer' },
      });
      await github.rest.checks.create({
        ...repo,
        name: 'kubeconform',
        head_sha: pull.head.sha,
        conclusion: 'failure',
      });
      await look();
      expect(await pending()).toMatchObject({
        number: 1,
        review: 'approved',
        checks: 'failing',
      });
      const timeline = await request(server)
        .get(`${api}/entities/default/component/cart/timeline`)
        .set('Authorization', user)
        .expect(200);
      expect(
        timeline.body.events.find((e: any) => e.deploymentId === id),
      ).toMatchObject({
        links: expect.arrayContaining([
          { title: 'Pull request', url: outcome.pullRequest.url },
        ]),
        pullRequest: { number: 1, review: 'approved', checks: 'failing' },
      });

      // Nothing changed: every read is a 304, none counts.
      standIn.resetCalls();
      await look();
      expect(standIn.calls.map(c => [c.path, c.status])).toEqual([
        ['/repos/shop/deploy/pulls/1', 304],
        ['/repos/shop/deploy/pulls/1/reviews', 304],
        [`/repos/shop/deploy/commits/${pull.head.sha}/check-runs`, 304],
        [`/repos/shop/deploy/commits/${pull.head.sha}/status`, 304],
      ]);
      expect(standIn.calls.every(c => c.ifNoneMatch)).toBe(true);
      expect((await record(id)).status).toBe('pr-opened');

      const { data: merged } = await github.rest.pulls.merge({
        ...repo,
        pull_number: 1,
      });
      await look();
      const moved = await record(id);
      expect(moved).toMatchObject({
        status: 'committed',
        commitSha: merged.sha,
      });
      expect(moved.steps.map((s: any) => s.name)).toEqual([
        'requested',
        'pr-opened',
        'merged',
      ]);
      expect(git('rev-parse', 'main')).toBe(merged.sha);
      expect(await pending()).toBeUndefined();
      // Nothing waits any more: the next look asks GitHub nothing.
      standIn.resetCalls();
      await look();
      expect(standIn.calls).toEqual([]);
    });

    it('abandons the records of a pull request closed on GitHub', async () => {
      const { github, repo, deploy, record, pending, look } = await start();
      const first = await deploy('1.11.4');
      const second = await deploy('1.12.0');
      await github.rest.pulls.update({
        ...repo,
        pull_number: 1,
        state: 'closed',
      });
      await look();
      for (const outcome of [first, second]) {
        const abandoned = await record(outcome.deployments[0].id);
        expect(abandoned.status).toBe('abandoned');
        expect(abandoned.steps.map((s: any) => s.name)).toEqual([
          'requested',
          'pr-opened',
          'closed',
        ]);
      }
      expect(await pending()).toBeUndefined();
    });

    it('moves a record at once on a signed webhook, and refuses bad signatures and unknown repositories', async () => {
      const { server, github, repo, standIn, deploy, record, webhookUrl } =
        await start();
      const outcome = await deploy('1.11.4');
      const id = outcome.deployments[0].id;
      // Closed on GitHub while no webhook is set up yet.
      const { data: closed } = await github.rest.pulls.update({
        ...repo,
        pull_number: 1,
        state: 'closed',
      });
      const deliver = (payload: object, signature?: string) => {
        const body = JSON.stringify(payload);
        return request(server)
          .post('/api/events/http/github')
          .set('content-type', 'application/json')
          .set('x-github-event', 'pull_request')
          .set(
            'x-hub-signature-256',
            signature ?? webhookSignature(SECRET, body),
          )
          .send(body);
      };
      const event = {
        action: 'closed',
        number: 1,
        pull_request: closed,
        repository: closed.base.repo,
      };

      const forged = await deliver(event, webhookSignature('guess', '{}'));
      expect(forged.status).toBe(401);
      expect(forged.body.error.message).toContain('X-Hub-Signature-256');
      const elsewhere = await deliver({
        ...event,
        repository: {
          ...event.repository,
          full_name: 'shop/other',
          html_url: 'https://github.com/shop/other',
        },
      });
      expect(elsewhere.status).toBe(404);
      expect(elsewhere.body.error.message).toContain(
        'github.com/shop/other is not a manifest repository',
      );
      expect((await record(id)).status).toBe('pr-opened');

      await deliver(event).expect(202);
      expect((await record(id)).status).toBe('abandoned');

      // From now on GitHub delivers by itself.
      standIn.addWebhook({ url: webhookUrl, secret: SECRET });
      const next = await deploy('1.12.0');
      const { data: merged } = await github.rest.pulls.merge({
        ...repo,
        pull_number: next.pullRequest.number,
      });
      await standIn.webhooksIdle();
      expect(standIn.deliveries.map(d => [d.event, d.status])).toEqual([
        ['pull_request', 202],
        ['pull_request', 202],
      ]);
      expect(await record(next.deployments[0].id)).toMatchObject({
        status: 'committed',
        commitSha: merged.sha,
      });
    });
  },
);
