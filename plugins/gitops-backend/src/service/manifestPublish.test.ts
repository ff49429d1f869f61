import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { readFileSync } from 'node:fs';
import request from 'supertest';
import { startExampleBackend } from '../__testUtils__/exampleBackend';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { localRepositoryUrlReaders } from '../scm/local/localRepositoryUrlReaders';

jest.setTimeout(120_000);

const databases = createTestDatabases();
const user = mockCredentials.user.header('user:default/guest');
const api = '/api/gitops';
const publishPath = `${api}/entities/default/component/quotes/manifests`;

/** A new service's files, as a template would generate them. */
const files = [
  {
    path: 'quotes/base/kustomization.yaml',
    content: 'resources:\n  - deployment.yaml\n',
  },
  {
    path: 'quotes/base/deployment.yaml',
    content:
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: quotes\n',
  },
  {
    path: 'quotes/overlays/dev/kustomization.yaml',
    content: 'resources:\n  - ../../base\n',
    environment: 'dev',
  },
  {
    path: 'argocd/dev/quotes.yaml',
    content: 'kind: Application\nmetadata:\n  name: quotes-dev\n',
    environment: 'dev',
  },
  {
    path: 'quotes/overlays/production/kustomization.yaml',
    content: 'resources:\n  - ../../base\n',
    environment: 'production',
  },
  {
    path: 'argocd/production/quotes.yaml',
    content: 'kind: Application\nmetadata:\n  name: quotes-production\n',
    environment: 'production',
  },
];

describe.each(databases.eachSupportedId())(
  'publishing manifests on %s',
  databaseId => {
    async function start(
      options: {
        permission?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
      } = {},
    ) {
      const backend = await startExampleBackend({
        knex: await databases.init(databaseId),
        ...options,
      });
      const pullRequests = () =>
        JSON.parse(
          readFileSync(
            `${backend.repoDir}/shipdeck/pull-requests.json`,
            'utf8',
          ),
        );
      /** Everything that says what the repository holds. */
      const state = () =>
        backend.git('for-each-ref', '--format=%(refname) %(objectname)');
      return { ...backend, pullRequests, state };
    }
    let refusing: ReturnType<typeof start> | undefined;
    const post = (server: Parameters<typeof request>[0], body: object) =>
      request(server).post(publishPath).set('Authorization', user).send(body);

    it('lands a new service as one commit, and its production files as one pull request on top', async () => {
      const { server, git, pullRequests } = await start();
      const before = git('rev-parse', 'main');
      const res = await post(server, { files }).expect(202);

      // The commit: base and dev, nothing of production.
      expect(git('rev-parse', 'main^')).toBe(before);
      expect(res.body.commitSha).toBe(git('rev-parse', 'main'));
      expect(
        git('show', '--name-only', '--format=', 'main').split('\n').sort(),
      ).toEqual(
        [
          'argocd/dev/quotes.yaml',
          'quotes/base/deployment.yaml',
          'quotes/base/kustomization.yaml',
          'quotes/overlays/dev/kustomization.yaml',
        ].sort(),
      );
      expect(git('log', '-1', '--format=%s', 'main')).toBe(
        "Add quotes's manifests",
      );
      expect(git('log', '-1', '--format=%an', 'main')).toBe(
        'user:default/guest',
      );
      expect(git('show', 'main:quotes/base/deployment.yaml')).toBe(
        files[1].content.trimEnd(),
      );

      // The pull request: production only, based on the new commit.
      const branch = 'shipdeck/production/new-quotes';
      expect(git('rev-parse', `${branch}^`)).toBe(res.body.commitSha);
      expect(
        git('show', '--name-only', '--format=', branch).split('\n').sort(),
      ).toEqual(
        [
          'argocd/production/quotes.yaml',
          'quotes/overlays/production/kustomization.yaml',
        ].sort(),
      );
      expect(pullRequests()).toEqual([
        expect.objectContaining({ head: branch, base: 'main', state: 'open' }),
      ]);
      expect(res.body.pullRequest).toMatchObject({
        created: true,
        state: 'open',
      });
      expect(res.body.files).toHaveLength(files.length);
      expect(
        res.body.files.filter((f: any) => f.landing === 'pull-request'),
      ).toHaveLength(2);
      expect(res.body.files.every((f: any) => f.status === 'created')).toBe(
        true,
      );

      // The file links answer with the content, over HTTP and to the
      // catalog's URL reader.
      const devApp = res.body.files.find(
        (f: any) => f.path === 'argocd/dev/quotes.yaml',
      );
      const link = new URL(devApp.url);
      const shown = await request(server)
        .get(`${link.pathname}${link.search}`)
        .set('Authorization', user)
        .expect(200);
      expect(shown.text).toBe(`${files[3].content.trimEnd()}\n`);
    });

    it('publishes again with the same files as a no-op, and refuses other content without overwrite', async () => {
      const { server, git, state } = await start();
      await post(server, { files }).expect(202);
      const landed = state();

      const again = await post(server, { files }).expect(200);
      expect(again.body.unchanged).toBe(true);
      expect(state()).toBe(landed);

      const changed = files.map(f =>
        f.path === 'quotes/base/deployment.yaml'
          ? { ...f, content: `${f.content}  labels: {}\n` }
          : f,
      );
      const refused = await post(server, { files: changed }).expect(409);
      expect(refused.body.error.message).toContain(
        'quotes/base/deployment.yaml',
      );
      expect(refused.body.error.message).toContain('overwrite');
      expect(state()).toBe(landed);

      const replaced = await post(server, {
        files: changed,
        overwrite: true,
      }).expect(202);
      expect(
        replaced.body.files.find(
          (f: any) => f.path === 'quotes/base/deployment.yaml',
        ).status,
      ).toBe('updated');
      expect(git('show', '--name-only', '--format=', 'main')).toBe(
        'quotes/base/deployment.yaml',
      );
    });

    it('records the first deployment of each environment it puts a version in, read through the published entity', async () => {
      const { server } = await start();
      const overlay = (env: string) =>
        [
          'resources:',
          '  - ../../base',
          `namespace: quotes-${env}`,
          'images:',
          '  - name: registry.shop.example/shop/quotes',
          '    newTag: "1.0.0"',
          '',
        ].join('\n');
      const entity = [
        'apiVersion: backstage.io/v1alpha1',
        'kind: Component',
        'metadata:',
        '  name: quotes',
        '  annotations:',
        '    shipdeck.io/image: registry.shop.example/shop/quotes',
        '    argocd/app-name: quotes',
        'spec:',
        '  type: service',
        '  owner: team-shop',
        '',
      ].join('\n');
      const res = await post(server, {
        files: [
          { path: 'quotes/catalog-info.yaml', content: entity },
          ...files.map(f =>
            f.path.includes('/overlays/')
              ? { ...f, content: overlay(f.environment!) }
              : f,
          ),
        ],
      }).expect(202);
      const byEnvironment = Object.fromEntries(
        res.body.deployments.map((d: any) => [d.environment, d]),
      );
      expect(Object.keys(byEnvironment).sort()).toEqual(['dev', 'production']);
      expect(byEnvironment.dev).toMatchObject({
        entityRef: 'component:default/quotes',
        action: 'deploy',
        toVersion: '1.0.0',
        status: 'committed',
        commitSha: res.body.commitSha,
        argocd: { instance: 'local', name: 'quotes-dev' },
      });
      expect(byEnvironment.production).toMatchObject({
        toVersion: '1.0.0',
        status: 'pr-opened',
        pullRequestUrl: res.body.pullRequest.url,
        argocd: { name: 'quotes-production' },
      });
    });

    it('puts everything in one pull request when asked to', async () => {
      const { server, git } = await start();
      const before = git('rev-parse', 'main');
      const res = await post(server, { files, pullRequest: true }).expect(202);
      expect(git('rev-parse', 'main')).toBe(before);
      expect(res.body.commitSha).toBeUndefined();
      const branch = 'shipdeck/all/new-quotes';
      expect(git('rev-parse', `${branch}^`)).toBe(before);
      expect(
        git('show', '--name-only', '--format=', branch).split('\n'),
      ).toHaveLength(files.length);
    });

    it('answers a dry run with each file’s diff and writes nothing', async () => {
      const { server, state } = await start();
      const before = state();
      const res = await post(server, { files, dryRun: true }).expect(200);
      expect(res.body).toMatchObject({
        dryRun: true,
        unchanged: false,
        repository: 'local:demo',
        branch: 'main',
      });
      const deployment = res.body.files.find(
        (f: any) => f.path === 'quotes/base/deployment.yaml',
      );
      expect(deployment).toMatchObject({
        status: 'created',
        landing: 'commit',
      });
      expect(deployment.diff).toContain('--- /dev/null');
      expect(deployment.diff).toContain('+kind: Deployment');
      expect(state()).toBe(before);
    });

    it.each([
      ['no files', { files: [] }, 'files'],
      [
        'a parent folder',
        { files: [{ path: '../quotes/x.yaml', content: 'a: 1' }] },
        "'..'",
      ],
      [
        'an absolute path',
        { files: [{ path: '/quotes/x.yaml', content: 'a: 1' }] },
        'files[0].path',
      ],
      [
        'a .git folder',
        { files: [{ path: 'quotes/.git/config', content: 'a' }] },
        "'.git'",
      ],
      [
        'another service’s folder',
        { files: [{ path: 'cart/base/x.yaml', content: 'a: 1' }] },
        'outside quotes',
      ],
      [
        'another service’s Application',
        { files: [{ path: 'argocd/dev/cart.yaml', content: 'a: 1' }] },
        'outside quotes',
      ],
      [
        'an unknown environment',
        {
          files: [
            { path: 'quotes/x.yaml', content: 'a: 1', environment: 'qa' },
          ],
        },
        "unknown environment 'qa'",
      ],
      [
        'broken YAML',
        { files: [{ path: 'quotes/x.yaml', content: 'a: [1' }] },
        'not valid YAML',
      ],
      [
        'a YAML alias bomb',
        {
          files: [
            {
              path: 'quotes/bomb.yaml',
              content: [
                'a: &a ["x","x","x","x","x","x","x","x","x","x"]',
                ...'bcdefghi'
                  .split('')
                  .map(
                    (k, i) =>
                      `${k}: &${k} [${Array(10)
                        .fill(`*${'abcdefghi'[i]}`)
                        .join(',')}]`,
                  ),
              ].join('\n'),
            },
          ],
        },
        'quotes/bomb.yaml',
      ],
      [
        'a path twice',
        {
          files: [
            { path: 'quotes/x.yaml', content: 'a: 1' },
            { path: 'quotes/x.yaml', content: 'a: 2' },
          ],
        },
        'appears twice',
      ],
      [
        'an unknown repository',
        { files, repository: 'gitlab:nope' },
        'repository',
      ],
      ['a bad branch', { files, branch: 'main..x' }, 'branch'],
      ['an unknown field', { files, surprise: true }, 'surprise'],
    ])(
      'refuses %s with a 400 naming the problem, and writes nothing',
      async (_label, body, expected) => {
        // Refusals write nothing, so they share one backend.
        refusing ??= start();
        const { server, state } = await refusing;
        const before = state();
        const res = await post(server, body).expect(400);
        expect(res.body.error.message).toContain(expected);
        expect(state()).toBe(before);
      },
    );

    it('needs gitops.manifests.create for a new service and gitops.deploy for an existing one', async () => {
      const { server, state } = await start({
        permission: AuthorizeResult.DENY,
      });
      const before = state();
      const res = await post(server, { files }).expect(403);
      expect(res.body.error.message).toContain('gitops.manifests.create');
      const dry = await post(server, { files, dryRun: true }).expect(403);
      expect(dry.body.error.message).toContain('gitops.manifests.create');

      const cart = await request(server)
        .post(`${api}/entities/default/component/cart/manifests`)
        .set('Authorization', user)
        .send({
          files: [{ path: 'cart/base/extra.yaml', content: 'a: 1' }],
        })
        .expect(403);
      // A base file reaches production too, which is protected.
      expect(cart.body.error.message).toContain('gitops.deploy.protected');
      expect(state()).toBe(before);
    });
  },
);

describe('localRepositoryUrlReaders', () => {
  it('reads a local repository’s file at its link, and nothing else', async () => {
    const knex = await databases.init('SQLITE_3');
    const { server, repoDir } = await startExampleBackend({ knex });
    const res = await request(server)
      .post(publishPath)
      .set('Authorization', user)
      .send({ files })
      .expect(202);
    const config = mockServices.rootConfig({
      data: {
        backend: { baseUrl: new URL(res.body.files[0].url).origin },
        gitops: {
          manifests: { local: [{ name: 'demo', path: repoDir }] },
        },
      },
    });
    const [{ predicate, reader }] = localRepositoryUrlReaders({
      config,
      logger: mockServices.logger.mock(),
    });
    const url = res.body.files.find(
      (f: any) => f.path === 'quotes/base/deployment.yaml',
    ).url;
    expect(predicate(new URL(url))).toBe(true);
    expect(predicate(new URL('https://github.com/acme/deploy'))).toBe(false);

    const read = await reader.readUrl(url);
    expect((await read.buffer()).toString()).toBe(files[1].content);
    await expect(reader.readUrl(url, { etag: read.etag })).rejects.toThrow(
      expect.objectContaining({ name: 'NotModifiedError' }),
    );
    const found = await reader.search(url);
    expect(found.files).toHaveLength(1);
    await expect(
      reader.readUrl(url.replace('deployment.yaml', 'missing.yaml')),
    ).rejects.toThrow(expect.objectContaining({ name: 'NotFoundError' }));
  });
});
