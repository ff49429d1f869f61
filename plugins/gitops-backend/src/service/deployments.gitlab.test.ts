import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { filesOf } from '../__testUtils__/githubBackend';
import {
  gitlabProject,
  gitlabRepo,
  startGitLabBackend,
} from '../__testUtils__/gitlabBackend';
import { syntheticServices } from '../__testUtils__/syntheticServices';
import {
  exampleEntities,
  withAnnotations,
} from '../__testUtils__/exampleBackend';

// Every GitLab call runs git in the stand-in: slow on two busy cores.
jest.setTimeout(300_000);

const databases = createTestDatabases();
const user = mockCredentials.user.header('user:default/guest');
const api = '/api/gitops';
const project = `/api/v4/projects/${gitlabProject}`;

/** The stand-in's calls as `METHOD /path`, query strings left out. */
const callsOf = (standIn: { calls: Array<{ method: string; path: string }> }) =>
  standIn.calls.map(c => `${c.method} ${decodeURIComponent(c.path)}`);

describe.each(databases.eachSupportedId())(
  'deployments to GitLab (stand-in) on %s',
  databaseId => {
    it('deploys, promotes, rolls back, releases and deploys from a tag through the GitLab API', async () => {
      // cart's source repository is the manifest project here, so a deploy
      // tag is resolved on GitLab too.
      const entities = withAnnotations(exampleEntities(), ['cart'], {
        'shipdeck.io/source-repo': gitlabRepo,
      });
      const { server, git, standIn, close } = await startGitLabBackend({
        knex: await databases.init(databaseId),
        entities,
        gitops: config => ({ ...config, sourceVersionTemplate: 'git-{sha7}' }),
      });
      try {
        const post = (path: string, body: object) =>
          request(server)
            .post(`${api}${path}`)
            .set('Authorization', user)
            .send(body);

        standIn.resetCalls();
        const before = git('rev-parse', 'main');
        const deploy = await post(
          '/entities/default/component/cart/deployments',
          { environment: 'dev', version: '1.13.0' },
        ).expect(202);
        expect(deploy.body.commitSha).toBe(git('rev-parse', 'main'));
        expect(git('rev-parse', 'main^')).toBe(before);
        expect(deploy.body.commitUrl).toBe(
          `https://gitlab.example.com/shop/platform/deploy/-/commit/${deploy.body.commitSha}`,
        );
        expect(
          git('show', '--format=', '--unified=0', 'main')
            .split('\n')
            .filter(l => /^[-+] /.test(l)),
        ).toEqual(['-    newTag: "1.12.0"', '+    newTag: "1.13.0"']);
        // head, the files in one GraphQL query, then one commit of every file.
        expect(callsOf(standIn)).toEqual([
          `GET ${project}/repository/branches/main`,
          'POST /api/graphql',
          `POST ${project}/repository/commits`,
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
        const [mr] = standIn.projects.get(gitlabProject)!.mergeRequests;
        expect(mr).toMatchObject({
          sourceBranch:
            'shipdeck/production/release-2026-11-23-1430-spring-sale-cart-orders',
          targetBranch: 'main',
          state: 'opened',
        });
        expect(mr.description).toContain('| cart | `1.11.2` | `1.12.0` |');
        expect(mr.description).toContain('| orders | `3.1.0` | `3.2.0` |');
        expect(tag.body.pullRequest.url).toBe(
          'https://gitlab.example.com/shop/platform/deploy/-/merge_requests/1',
        );
        // The merge request's branch is one commit on main's head.
        expect(git('rev-parse', `${mr.sourceBranch}^`)).toBe(
          git('rev-parse', 'main'),
        );

        // The same release again updates that merge request instead of opening another.
        await post('/tag-deployments', {
          tag: 'shop/production/2026/11/23/1430-spring-sale-cart,orders',
          promote: true,
        }).expect(202);
        expect(standIn.projects.get(gitlabProject)!.mergeRequests).toHaveLength(
          1,
        );

        // A deploy tag of cart's source repository, resolved on GitLab
        // (annotated, so GitLab peels it to the commit).
        const head = git('rev-parse', 'main');
        const TAG = 'shop/dev/2026/11/28/0916-fix-cart';
        git('tag', '-a', '-m', 'fix', TAG, head);
        standIn.resetCalls();
        const tagged = await post('/tag-deployments', { tag: TAG }).expect(202);
        expect(tagged.body.deployments.map((d: any) => d.toVersion)).toEqual([
          `git-${head.slice(0, 7)}`,
        ]);
        expect(callsOf(standIn)).toContain(
          `GET ${project}/repository/tags/${TAG}`,
        );
        const refs = git('for-each-ref');
        const unknown = await post('/tag-deployments', {
          tag: 'shop/dev/2026/11/28/0917-other-cart',
        }).expect(400);
        expect(unknown.body.error.message).toBe(
          `Deploy tag 'shop/dev/2026/11/28/0917-other-cart' does not exist in ${gitlabRepo}, the source repository of component:default/cart`,
        );
        expect(git('for-each-ref')).toBe(refs);
      } finally {
        await close();
      }
    });

    it('releases 1 or 30 services in the same 3 calls (5 by merge request), and refuses a missing file with a 400 and no write', async () => {
      const releaseCalls = async (
        count: number,
        missing?: string,
        environment = 'dev',
      ) => {
        const { seedDir, entities } = syntheticServices(count);
        const files = filesOf(seedDir);
        if (missing) delete files[missing];
        const { server, git, standIn, close } = await startGitLabBackend({
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
        `GET ${project}/repository/branches/main`,
        'POST /api/graphql',
        `POST ${project}/repository/commits`,
      ];
      expect(one.calls).toEqual(constant);
      expect(many.calls).toEqual(constant);

      const gone = await releaseCalls(
        30,
        'svc-17/overlays/dev/kustomization.yaml',
      );
      expect(gone.res.status).toBe(400);
      expect(gone.res.body.error.message).toBe(
        'svc-17/overlays/dev/kustomization.yaml does not exist in gitlab.example.com/shop/platform/deploy@main',
      );
      expect(gone.calls).toEqual(constant.slice(0, 2));
      expect(gone.moved).toBe(false);

      // A merge request environment: the commit goes onto Shipdeck's
      // branch, then the merge request is looked for and opened.
      const reviewed = await releaseCalls(30, undefined, 'production');
      expect(reviewed.res.status).toBe(202);
      expect(reviewed.res.body.pullRequest).toMatchObject({ created: true });
      expect(reviewed.calls).toEqual([
        ...constant,
        `GET ${project}/merge_requests`,
        `POST ${project}/merge_requests`,
      ]);
      expect(reviewed.moved).toBe(false);
    });

    it('lands all 50 deployments of different services fired at one branch at once', async () => {
      const { seedDir, entities } = syntheticServices(50);
      const { server, git, close } = await startGitLabBackend({
        knex: await databases.init(databaseId),
        files: filesOf(seedDir),
        entities,
      });
      try {
        const responses = await Promise.all(
          entities.map((e, i) =>
            request(server)
              .post(
                `${api}/entities/default/component/${e.metadata.name}/deployments`,
              )
              .set('Authorization', user)
              .send({ environment: 'dev', version: `2.0.${i}` }),
          ),
        );
        expect(responses.map(r => r.status)).toEqual(entities.map(() => 202));
        expect(git('rev-list', '--count', 'main')).toBe('51');
        for (let i = 0; i < 50; i++) {
          expect(
            git('show', `main:svc-${i}/overlays/dev/kustomization.yaml`),
          ).toContain(`newTag: "2.0.${i}"`);
        }
        expect(new Set(responses.map(r => r.body.commitSha)).size).toBe(50);
      } finally {
        await close();
      }
    });

    it('refuses an unknown project, a missing branch and a read-only token with a 4xx naming it, nothing written', async () => {
      const deploy = (server: any) =>
        request(server)
          .post(`${api}/entities/default/component/cart/deployments`)
          .set('Authorization', user)
          .send({ environment: 'dev', version: '1.13.0' });

      const readOnly = await startGitLabBackend({
        knex: await databases.init(databaseId),
        token: 'glpat-read',
      });
      try {
        const before = readOnly.git('for-each-ref');
        const res = await deploy(readOnly.server);
        expect(res.status).toBe(403);
        expect(res.body.error.message).toMatch(
          /GitLab gitlab\.example\.com\/shop\/platform\/deploy: committing to main failed; the token may not/,
        );
        expect(readOnly.git('for-each-ref')).toBe(before);
      } finally {
        await readOnly.close();
      }

      const unknown = await startGitLabBackend({
        knex: await databases.init(databaseId),
        gitops: c => ({
          ...c,
          manifests: { ...c.manifests, repo: 'gitlab.example.com/shop/nope' },
        }),
      });
      try {
        const res = await deploy(unknown.server);
        expect(res.status).toBe(404);
        expect(res.body.error.message).toContain(
          'gitlab.example.com/shop/nope: GitLab has no project shop/nope',
        );
      } finally {
        await unknown.close();
      }

      const noBranch = await startGitLabBackend({
        knex: await databases.init(databaseId),
        gitops: c => ({
          ...c,
          manifests: { ...c.manifests, branch: 'release' },
        }),
      });
      try {
        const before = noBranch.git('for-each-ref');
        const res = await deploy(noBranch.server);
        expect(res.status).toBe(404);
        expect(res.body.error.message).toContain(
          'gitlab.example.com/shop/platform/deploy has no branch release',
        );
        expect(noBranch.git('for-each-ref')).toBe(before);
      } finally {
        await noBranch.close();
      }
    });
  },
);
