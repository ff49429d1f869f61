import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { startGitHubBackend } from '../__testUtils__/githubBackend';

jest.setTimeout(120_000);

const databases = createTestDatabases();
const user = mockCredentials.user.header('user:default/guest');
const api = '/api/gitops';

describe.each(databases.eachSupportedId())(
  'deployments to GitHub (stand-in) on %s',
  databaseId => {
    it('deploys, promotes, rolls back, releases and deploys from a tag through the GitHub API', async () => {
      const { server, git, standIn, close } = await startGitHubBackend({
        knex: await databases.init(databaseId),
      });
      try {
        const post = (path: string, body: object) =>
          request(server)
            .post(`${api}${path}`)
            .set('Authorization', user)
            .send(body);

        standIn.resetCalls();
        const deploy = await post(
          '/entities/default/component/cart/deployments',
          {
            environment: 'dev',
            version: '1.13.0',
          },
        ).expect(202);
        expect(deploy.body.commitSha).toBe(git('rev-parse', 'main'));
        expect(deploy.body.commitUrl).toBe(
          `https://github.com/shop/deploy/commit/${deploy.body.commitSha}`,
        );
        expect(
          git('show', '--format=', '--unified=0', 'main')
            .split('\n')
            .filter(l => /^[-+] /.test(l)),
        ).toEqual(['-    newTag: "1.12.0"', '+    newTag: "1.13.0"']);
        // head, file, then the Git Data API commit: parent commit, tree, commit, ref.
        expect(
          standIn.calls.map(
            c =>
              `${c.method} ${decodeURIComponent(c.path.replace(/\?.*/, ''))}`,
          ),
        ).toEqual([
          'GET /repos/shop/deploy/git/ref/heads/main',
          'GET /repos/shop/deploy/contents/cart/overlays/dev/kustomization.yaml',
          `GET /repos/shop/deploy/git/commits/${git('rev-parse', 'main^')}`,
          'POST /repos/shop/deploy/git/trees',
          'POST /repos/shop/deploy/git/commits',
          'PATCH /repos/shop/deploy/git/refs/heads/main',
        ]);

        await post('/entities/default/component/cart/promotions', {
          from: 'dev',
          to: 'staging',
        }).expect(202);
        expect(
          git('show', 'main:cart/overlays/staging/kustomization.yaml'),
        ).toContain('newTag: "1.13.0"');

        const back = await post('/entities/default/component/cart/rollbacks', {
          environment: 'dev',
          to: '1.12.0',
        }).expect(202);
        expect(back.body.deployments[0]).toMatchObject({
          fromVersion: '1.13.0',
          toVersion: '1.12.0',
        });

        const release = await post('/releases', {
          environment: 'staging',
          system: 'shop',
        }).expect(202);
        // Every service of the System, cart included (dev is back at 1.12.0, staging had 1.13.0).
        expect(
          git('show', '--name-only', '--format=', 'main').split('\n'),
        ).toHaveLength(6);
        expect(release.body.deployments).toHaveLength(6);
        expect(git('log', '-1', '--format=%s', 'main')).toBe(
          'Release shop to staging (6 services)',
        );

        const tag = await post('/tag-deployments', {
          tag: 'shop/production/2026/11/23/1430-spring-sale-cart,orders',
          promote: true,
        }).expect(202);
        expect(tag.body.pullRequest).toMatchObject({
          created: true,
          state: 'open',
        });
        const [pull] = standIn.repositories.get('shop/deploy')!.pulls;
        expect(pull).toMatchObject({
          head: 'shipdeck/production/release-2026-11-23-1430-spring-sale-cart-orders',
          base: 'main',
          state: 'open',
        });
        expect(pull.body).toContain('| cart | `1.11.2` | `1.12.0` |');
        expect(pull.body).toContain('| orders | `3.1.0` | `3.2.0` |');
        expect(tag.body.pullRequest.url).toMatch(/\/shop\/deploy\/pull\/1$/);

        // The same release again updates that pull request instead of opening another.
        await post('/tag-deployments', {
          tag: 'shop/production/2026/11/23/1430-spring-sale-cart,orders',
          promote: true,
        }).expect(202);
        expect(standIn.repositories.get('shop/deploy')!.pulls).toHaveLength(1);
      } finally {
        await close();
      }
    });
  },
);
