import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { startExampleBackend } from '../__testUtils__/exampleBackend';
import { HandDrivenScheduler } from '../__testUtils__/handDrivenScheduler';
import { PULL_REQUEST_TASK_ID } from '../plugin';

jest.setTimeout(120_000);

const databases = createTestDatabases();
const user = mockCredentials.user.header('user:default/guest');
const api = '/api/gitops';
const merge = (n: number | string) =>
  `${api}/repositories/${encodeURIComponent('local:demo')}/pulls/${n}/merge`;

describe.each(databases.eachSupportedId())(
  'pull requests on %s',
  databaseId => {
    async function start() {
      const knex = await databases.init(databaseId);
      const repoDir = join(
        mkdtempSync(join(tmpdir(), 'shipdeck-pr-')),
        'manifests.git',
      );
      const tasks = new HandDrivenScheduler();
      const backend = await startExampleBackend({
        knex,
        repoDir,
        features: [tasks.factory()],
      });
      const environments = async () => {
        const res = await request(backend.server)
          .get(`${api}/entities/default/component/cart/environments`)
          .set('Authorization', user)
          .expect(200);
        return Object.fromEntries(
          res.body.environments.map((e: any) => [e.environment.name, e]),
        );
      };
      const deploy = (environment: string, version: string) =>
        request(backend.server)
          .post(`${api}/entities/default/component/cart/deployments`)
          .set('Authorization', user)
          .send({ environment, version })
          .expect(202);
      const record = async (id: string) =>
        (
          await request(backend.server)
            .get(`${api}/deployments/${id}`)
            .set('Authorization', user)
            .expect(200)
        ).body;
      const look = () => tasks.triggerTask(PULL_REQUEST_TASK_ID);
      return {
        ...backend,
        knex,
        repoDir,
        environments,
        deploy,
        record,
        look,
      };
    }

    it('shows the open pull request of production on its environment', async () => {
      const { environments, deploy } = await start();
      const first = await deploy('production', '1.11.4');
      const second = await deploy('production', '1.12.0');
      await deploy('dev', '1.13.0');
      const envs = await environments();
      expect(envs.production.pendingPullRequest).toEqual({
        number: 1,
        url: first.body.pullRequest.url,
        state: 'open',
        deploymentId: second.body.deployments[0].id,
      });
      expect(envs.dev.pendingPullRequest).toBeUndefined();
      expect(envs.staging.pendingPullRequest).toBeUndefined();
    });

    it('merges a local pull request and moves its records on', async () => {
      const { server, git, environments, deploy } = await start();
      const first = await deploy('production', '1.11.4');
      const second = await deploy('production', '1.12.0');
      const res = await request(server)
        .post(merge(1))
        .set('Authorization', user)
        .expect(200);
      expect(res.body).toMatchObject({
        pullRequest: { number: 1, state: 'merged' },
        commitSha: git('rev-parse', 'main'),
      });
      expect(
        git('show', 'main:cart/overlays/production/kustomization.yaml'),
      ).toContain('newTag: "1.12.0"');
      // Both records of the updated pull request move on; the refresher
      // later marks the older one superseded.
      expect(res.body.deployments.map((d: any) => d.id)).toEqual([
        first.body.deployments[0].id,
        second.body.deployments[0].id,
      ]);
      for (const record of res.body.deployments) {
        expect(record).toMatchObject({
          status: 'committed',
          commitSha: res.body.commitSha,
        });
        expect(record.steps.map((s: any) => s.name)).toEqual([
          'requested',
          'pr-opened',
          'merged',
        ]);
      }
      expect((await environments()).production.pendingPullRequest).toBe(
        undefined,
      );

      const again = await request(server)
        .post(merge(1))
        .set('Authorization', user)
        .expect(409);
      expect(again.body.error.message).toContain('already merged');
      await request(server)
        .post(merge(7))
        .set('Authorization', user)
        .expect(404);
      await request(server)
        .post(`${api}/repositories/local%3Anope/pulls/1/merge`)
        .set('Authorization', user)
        .expect(404);
      await request(server)
        .post(merge('x'))
        .set('Authorization', user)
        .expect(400);
    });

    it('sees a pull request merged by plain git within one look', async () => {
      const { server, git, repoDir, environments, deploy, record, look } =
        await start();
      const first = await deploy('production', '1.11.4');
      const second = await deploy('production', '1.12.0');
      await look();
      expect((await record(second.body.deployments[0].id)).status).toBe(
        'pr-opened',
      );

      // Someone merges the pull request's branch with git and pushes.
      const [pull] = JSON.parse(
        readFileSync(join(repoDir, 'shipdeck/pull-requests.json'), 'utf8'),
      );
      const work = mkdtempSync(join(tmpdir(), 'shipdeck-clone-'));
      const inClone = (...args: string[]) =>
        execFileSync('git', ['-C', work, ...args], {
          encoding: 'utf8',
          env: {
            ...process.env,
            GIT_CONFIG_GLOBAL: '/dev/null',
            GIT_AUTHOR_NAME: 'Someone',
            GIT_AUTHOR_EMAIL: 'someone@example.com',
            GIT_COMMITTER_NAME: 'Someone',
            GIT_COMMITTER_EMAIL: 'someone@example.com',
          },
        }).trim();
      execFileSync('git', ['clone', '-q', '-b', 'main', repoDir, work]);
      inClone('merge', '--no-ff', '-q', '-m', 'Merge', `origin/${pull.head}`);
      inClone('push', '-q', 'origin', 'main');
      const merged = git('rev-parse', 'main');

      await look();
      for (const id of [first, second].map(r => r.body.deployments[0].id)) {
        const moved = await record(id);
        expect(moved).toMatchObject({ status: 'committed', commitSha: merged });
        expect(moved.steps.map((s: any) => s.name)).toEqual([
          'requested',
          'pr-opened',
          'merged',
        ]);
      }
      expect((await environments()).production.pendingPullRequest).toBe(
        undefined,
      );
      const local = await request(server)
        .get(`${api}/repositories/${encodeURIComponent('local:demo')}/pulls/1`)
        .set('Authorization', user)
        .expect(200);
      expect(local.body.state).toBe('merged');
      // Nothing left to look at: another look changes nothing.
      await look();
      expect((await record(second.body.deployments[0].id)).steps).toHaveLength(
        3,
      );
    });

    it('leaves an open local pull request alone, and its records waiting', async () => {
      const { git, environments, deploy, record, look } = await start();
      const res = await deploy('production', '1.11.4');
      // A commit on main that does not contain the branch is no merge.
      const main = git('rev-parse', 'main');
      await look();
      await look();
      expect(git('rev-parse', 'main')).toBe(main);
      expect((await record(res.body.deployments[0].id)).status).toBe(
        'pr-opened',
      );
      expect(
        (await environments()).production.pendingPullRequest,
      ).toMatchObject({ number: 1, state: 'open' });
    });

    it('refuses a merge the caller may not deploy, and merges nothing', async () => {
      const { git, knex, repoDir, deploy } = await start();
      await deploy('production', '1.11.4');
      const main = git('rev-parse', 'main');
      // Another replica on the same database and repository, whose policy denies.
      const denied = await startExampleBackend({
        knex,
        repoDir,
        permission: AuthorizeResult.DENY,
      });
      const res = await request(denied.server)
        .post(merge(1))
        .set('Authorization', user)
        .expect(403);
      expect(res.body.error.message).toContain(
        'gitops.deploy.protected on component:default/cart is needed',
      );
      expect(git('rev-parse', 'main')).toBe(main);
      const pull = await request(denied.server)
        .get(`${api}/repositories/${encodeURIComponent('local:demo')}/pulls/1`)
        .set('Authorization', user)
        .expect(200);
      expect(pull.body.state).toBe('open');
    });
  },
);
