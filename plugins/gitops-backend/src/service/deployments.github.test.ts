import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { filesOf, startGitHubBackend } from '../__testUtils__/githubBackend';
import { syntheticServices } from '../__testUtils__/syntheticServices';

jest.setTimeout(120_000);

const databases = createTestDatabases();
const user = mockCredentials.user.header('user:default/guest');
const api = '/api/gitops';

/** The stand-in's calls as `METHOD /path`, query strings left out. */
const callsOf = (standIn: { calls: Array<{ method: string; path: string }> }) =>
  standIn.calls.map(
    c => `${c.method} ${decodeURIComponent(c.path.replace(/\?.*/, ''))}`,
  );

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
        // head, the files (and the head's tree) in one GraphQL query, then
        // the Git Data API commit: tree, commit, ref.
        expect(callsOf(standIn)).toEqual([
          'GET /repos/shop/deploy/git/ref/heads/main',
          'POST /graphql',
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

    it('releases 1 or 30 services in the same 5 calls (7 by pull request), and refuses a missing file with a 400 and no write', async () => {
      const releaseCalls = async (
        count: number,
        missing?: string,
        environment = 'dev',
      ) => {
        const { seedDir, entities } = syntheticServices(count);
        const files = filesOf(seedDir);
        if (missing) delete files[missing];
        const { server, git, standIn, close } = await startGitHubBackend({
          knex: await databases.init(databaseId),
          files,
          entities,
        });
        try {
          const before = git('rev-parse', 'main');
          standIn.resetCalls();
          const res = await request(server)
            .post(`${api}/releases`)
            .set('Authorization', user)
            .send({
              environment,
              system: 'synthetic',
              versions: Object.fromEntries(
                entities.map(e => [
                  `component:default/${e.metadata.name}`,
                  '2.0.0',
                ]),
              ),
            });
          return {
            res,
            calls: callsOf(standIn),
            moved: git('rev-parse', 'main') !== before,
            changed: git('show', '--name-only', '--format=', 'main')
              .split('\n')
              .filter(Boolean).length,
          };
        } finally {
          await close();
        }
      };

      const one = await releaseCalls(1);
      const many = await releaseCalls(30);
      expect(one.res.status).toBe(202);
      expect(many.res.status).toBe(202);
      expect(many.res.body.deployments).toHaveLength(30);
      expect([one.changed, many.changed]).toEqual([1, 30]);
      const constant = [
        'GET /repos/shop/deploy/git/ref/heads/main',
        'POST /graphql',
        'POST /repos/shop/deploy/git/trees',
        'POST /repos/shop/deploy/git/commits',
        'PATCH /repos/shop/deploy/git/refs/heads/main',
      ];
      expect(one.calls).toEqual(constant);
      expect(many.calls).toEqual(constant);

      // One file of thirty gone: the same 400 as a per-file read gave, and
      // nothing written (no call after the read).
      const gone = await releaseCalls(
        30,
        'svc-17/overlays/dev/kustomization.yaml',
      );
      expect(gone.res.status).toBe(400);
      expect(gone.res.body.error.message).toBe(
        'svc-17/overlays/dev/kustomization.yaml does not exist in github.com/shop/deploy@main',
      );
      expect(gone.calls).toEqual(constant.slice(0, 2));
      expect(gone.moved).toBe(false);

      // A pull request environment: the ref update becomes Shipdeck's
      // branch and the pull request, still a constant 7 calls.
      const reviewed = await releaseCalls(30, undefined, 'production');
      expect(reviewed.res.status).toBe(202);
      expect(reviewed.res.body.pullRequest).toMatchObject({ created: true });
      expect(reviewed.calls).toEqual([
        ...constant.slice(0, 4),
        'GET /repos/shop/deploy/pulls',
        'POST /repos/shop/deploy/git/refs',
        'POST /repos/shop/deploy/pulls',
      ]);
      expect(reviewed.moved).toBe(false);
    });
  },
);
