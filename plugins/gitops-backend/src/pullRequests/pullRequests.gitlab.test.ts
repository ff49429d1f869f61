import { AddressInfo } from 'node:net';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import eventsPlugin from '@backstage/plugin-events-backend';
import request from 'supertest';
import {
  gitlabProject,
  startGitLabBackend,
} from '../__testUtils__/gitlabBackend';
import { HandDrivenScheduler } from '../__testUtils__/handDrivenScheduler';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { PULL_REQUEST_TASK_ID } from '../plugin';
import { gitopsGitLabWebhooksModule } from './GitLabWebhooks';

// Every GitLab call runs git in the stand-in: slow on two busy cores.
jest.setTimeout(300_000);

const databases = createTestDatabases();
const user = mockCredentials.user.header('user:default/guest');
const api = '/api/gitops';
const SECRET = 'gitlab-webhook-token';

describe.each(databases.eachSupportedId())(
  'merge requests on GitLab (stand-in) on %s',
  databaseId => {
    const stops: Array<() => Promise<void>> = [];
    afterEach(async () => {
      await Promise.all(stops.splice(0).map(stop => stop()));
    });

    async function start() {
      const tasks = new HandDrivenScheduler();
      const bus = mockServices.events();
      // Filled once the backend listens: the stand-in reads it per delivery.
      const webhooks: Array<{ url: string; token?: string }> = [];
      const backend = await startGitLabBackend({
        knex: await databases.init(databaseId),
        webhooks,
        features: [
          tasks.factory(),
          eventsPlugin,
          gitopsGitLabWebhooksModule,
          createServiceFactory({
            service: eventsServiceRef,
            deps: {},
            factory: () => bus,
          }),
        ],
        gitops: config => ({
          ...config,
          gitlab: { webhookSecret: SECRET },
        }),
      });
      stops.push(backend.close);
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
      }/api/events/http/gitlab`;
      return {
        ...backend,
        deploy,
        record,
        pending,
        look,
        webhooks,
        webhookUrl,
      };
    }

    it('sees approval, the pipeline and the merge on GitLab', async () => {
      const { standIn, deploy, record, pending, look, git } = await start();
      const outcome = await deploy('1.11.4');
      const id = outcome.deployments[0].id;
      expect(outcome.pullRequest).toMatchObject({
        number: 1,
        url: 'https://gitlab.example.com/shop/platform/deploy/-/merge_requests/1',
      });
      const [mr] = standIn.projects.get(gitlabProject)!.mergeRequests;
      expect(mr.description).toContain('`1.11.4`');
      await look();
      expect(await pending()).toEqual({
        number: 1,
        url: outcome.pullRequest.url,
        state: 'open',
        deploymentId: id,
      });

      await standIn.approve(gitlabProject, 1, 'reviewer');
      await standIn.setPipeline(gitlabProject, 1, 'failed');
      await look();
      expect(await pending()).toMatchObject({
        number: 1,
        review: 'approved',
        checks: 'failing',
      });

      const merged = await standIn.merge(gitlabProject, 1);
      await look();
      const moved = await record(id);
      expect(moved).toMatchObject({ status: 'committed', commitSha: merged });
      expect(moved.steps.map((s: any) => s.name)).toEqual([
        'requested',
        'pr-opened',
        'merged',
      ]);
      expect(git('rev-parse', 'main')).toBe(merged);
      expect(await pending()).toBeUndefined();
    });

    it('abandons the records of a merge request closed on GitLab', async () => {
      const { standIn, deploy, record, pending, look } = await start();
      const first = await deploy('1.11.4');
      const second = await deploy('1.12.0');
      // The second deploy updated the first's merge request.
      expect(second.pullRequest).toMatchObject({ number: 1, created: false });
      expect(standIn.projects.get(gitlabProject)!.mergeRequests).toHaveLength(
        1,
      );
      await standIn.close(gitlabProject, 1);
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

    it('moves a record at once on a merge request event with the secret token, and refuses a wrong token and unknown projects', async () => {
      const { server, standIn, deploy, record, webhooks, webhookUrl } =
        await start();
      const outcome = await deploy('1.11.4');
      const id = outcome.deployments[0].id;
      await standIn.close(gitlabProject, 1);
      const deliver = (payload: object, token = SECRET) =>
        request(server)
          .post('/api/events/http/gitlab')
          .set('content-type', 'application/json')
          .set('x-gitlab-event', 'Merge Request Hook')
          .set('x-gitlab-token', token)
          .send(JSON.stringify(payload));
      const event = {
        object_kind: 'merge_request',
        event_type: 'merge_request',
        project: {
          path_with_namespace: gitlabProject,
          web_url: `https://gitlab.example.com/${gitlabProject}`,
        },
        object_attributes: { iid: 1, action: 'close', state: 'closed' },
      };

      const forged = await deliver(event, 'guess');
      expect(forged.status).toBe(401);
      expect(forged.body.error.message).toContain('X-Gitlab-Token');
      const elsewhere = await deliver({
        ...event,
        project: {
          path_with_namespace: 'shop/other',
          web_url: 'https://gitlab.example.com/shop/other',
        },
      });
      expect(elsewhere.status).toBe(404);
      expect(elsewhere.body.error.message).toContain(
        'gitlab.example.com/shop/other is not a manifest repository',
      );
      expect((await record(id)).status).toBe('pr-opened');

      await deliver(event).expect(202);
      expect((await record(id)).status).toBe('abandoned');

      // From now on GitLab delivers by itself.
      webhooks.push({ url: webhookUrl, token: SECRET });
      const next = await deploy('1.12.0');
      expect(next.pullRequest).toMatchObject({ number: 2, created: true });
      const merged = await standIn.merge(gitlabProject, 2);
      await standIn.settled();
      expect(await record(next.deployments[0].id)).toMatchObject({
        status: 'committed',
        commitSha: merged,
      });
    });
  },
);
