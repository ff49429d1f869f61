import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import { startGitHubBackend } from '../__testUtils__/githubBackend';
import { HandDrivenScheduler } from '../__testUtils__/handDrivenScheduler';
import { refsOf } from './__testUtils__/stateFingerprint';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const user = mockCredentials.user.header('user:default/guest');
const api = '/api/gitops';

/**
 * The write path against a GitHub that misbehaves (the stand-in's injected
 * faults): a deployment either lands whole or leaves no trace (no commit on
 * any branch, no branch, no pull request, no deployment record), and every
 * failure is retried a bounded number of times, counted at the stand-in.
 */
describe('GitHub faults during deployments', () => {
  async function start(throttle: boolean) {
    const knex = await databases.init('SQLITE_3');
    const tasks = new HandDrivenScheduler();
    const backend = await startGitHubBackend({
      knex,
      features: [tasks.factory()],
      gitops: config => ({ ...config, github: { throttle } }),
    });
    const deploy = (environment: string, version: string) =>
      request(backend.server)
        .post(`${api}/entities/default/component/cart/deployments`)
        .set('Authorization', user)
        .send({ environment, version });
    const count = (method: string, path: RegExp) =>
      backend.standIn.calls.filter(
        c => c.method === method && path.test(decodeURIComponent(c.path)),
      ).length;
    const records = () => knex('gitops_deployments').select('status');
    const pulls = () => backend.standIn.repositories.get('shop/deploy')!.pulls;
    return { ...backend, deploy, count, records, pulls };
  }

  describe('without the throttle (5xx, latency, outages)', () => {
    let gh: Awaited<ReturnType<typeof start>>;
    beforeAll(async () => {
      gh = await start(false);
    });
    afterAll(() => gh.close());
    afterEach(() => gh.standIn.faults.clear());

    it('lands a deployment through 200 ms of latency on every call', async () => {
      gh.standIn.faults.add({ delayMs: 200 });
      gh.standIn.resetCalls();
      const res = await gh.deploy('dev', '1.13.0').expect(202);
      expect(res.body.commitSha).toBe(gh.git('rev-parse', 'main'));
      expect(gh.standIn.calls).toHaveLength(5);
    });

    it('retries a 502 on the ref update once and lands', async () => {
      gh.standIn.faults.add({
        method: 'PATCH',
        path: /\/git\/refs\/heads\/main$/,
        status: 502,
        times: 1,
      });
      gh.standIn.resetCalls();
      const res = await gh.deploy('dev', '1.13.1').expect(202);
      expect(res.body.commitSha).toBe(gh.git('rev-parse', 'main'));
      expect(gh.count('PATCH', /\/git\/refs\//)).toBe(2);
      expect(res.body.deployments[0].status).toBe('committed');
    });

    it('retries a dropped connection while writing the commit and lands', async () => {
      gh.standIn.faults.add({
        method: 'POST',
        path: /\/git\/commits$/,
        reset: true,
        times: 1,
      });
      gh.standIn.resetCalls();
      const res = await gh.deploy('dev', '1.13.2').expect(202);
      expect(res.body.commitSha).toBe(gh.git('rev-parse', 'main'));
      expect(gh.count('POST', /\/git\/commits$/)).toBe(2);
    });

    it('leaves no branch, pull request or record when GitHub keeps failing to open the pull request, after 4 attempts', async () => {
      const refs = refsOf(gh.git);
      const before = await gh.records();
      gh.standIn.faults.add({ method: 'POST', path: /\/pulls$/, status: 503 });
      gh.standIn.resetCalls();
      const res = await gh.deploy('production', '1.13.0');
      expect(res.status).toBeGreaterThanOrEqual(500);
      expect(res.body.error.message).toMatch(/pull request/);
      // 1 attempt and plugin-retry's 3 retries, never more.
      expect(gh.count('POST', /\/pulls$/)).toBe(4);
      // The branch created for the pull request is deleted again.
      expect(gh.count('DELETE', /\/git\/refs\/heads\//)).toBe(1);
      expect(refsOf(gh.git)).toBe(refs);
      expect(gh.pulls()).toHaveLength(0);
      expect(await gh.records()).toEqual(before);

      // GitHub back: the same request opens the pull request.
      gh.standIn.faults.clear();
      const retried = await gh.deploy('production', '1.13.0').expect(202);
      expect(retried.body.deployments[0].status).toBe('pr-opened');
      expect(gh.pulls()).toHaveLength(1);
    });

    it('serves reads from the database while GitHub is down', async () => {
      gh.standIn.faults.add({ reset: true });
      gh.standIn.resetCalls();
      const res = await request(gh.server)
        .get(`${api}/entities/default/component/cart/environments`)
        .set('Authorization', user)
        .expect(200);
      expect(res.body.environments.map((e: any) => e.environment.name)).toEqual(
        ['dev', 'staging', 'production'],
      );
      expect(gh.standIn.calls).toHaveLength(0);
    });
  });

  describe('with the throttle (rate limits)', () => {
    let gh: Awaited<ReturnType<typeof start>>;
    beforeAll(async () => {
      gh = await start(true);
    });
    afterAll(() => gh.close());
    afterEach(() => gh.standIn.faults.clear());

    it('waits out a secondary rate limit (429, retry-after) and lands', async () => {
      gh.standIn.faults.add({
        method: 'POST',
        path: /\/git\/trees$/,
        rateLimit: 'secondary',
        times: 1,
      });
      gh.standIn.resetCalls();
      const res = await gh.deploy('dev', '1.14.0').expect(202);
      expect(res.body.commitSha).toBe(gh.git('rev-parse', 'main'));
      expect(gh.count('POST', /\/git\/trees$/)).toBe(2);
    });

    it('gives up on a primary rate limit that does not lift after 2 retries, writing nothing', async () => {
      const refs = refsOf(gh.git);
      const before = await gh.records();
      gh.standIn.faults.add({
        method: 'PATCH',
        path: /\/git\/refs\//,
        rateLimit: 'primary',
      });
      gh.standIn.resetCalls();
      const res = await gh.deploy('dev', '1.14.1');
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.body.error.message).toMatch(/rate limit/i);
      expect(gh.count('PATCH', /\/git\/refs\//)).toBe(3);
      expect(refsOf(gh.git)).toBe(refs);
      expect(await gh.records()).toEqual(before);
    });
  });
});
