import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  exampleEntities,
  examplesDir,
  withAnnotations,
} from '../__testUtils__/exampleBackend';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { startExampleBackend } from '../__testUtils__/exampleBackend';

jest.setTimeout(120_000);

const databases = createTestDatabases();
const user = mockCredentials.user.header('user:default/guest');
const api = '/api/gitops';

/** A POST as the guest user, who owns most demo services. */
const post = (server: Parameters<typeof request>[0], path: string) =>
  request(server).post(path).set('Authorization', user);

/** The lines a commit changed, as `-old` / `+new` pairs without context. */
function changedLines(git: (...args: string[]) => string, sha = 'main') {
  return git('show', '--format=', '--unified=0', sha)
    .split('\n')
    .filter(l => /^[-+](?![-+])/.test(l));
}

describe.each(databases.eachSupportedId())('deployments on %s', databaseId => {
  async function start(
    options: { permission?: AuthorizeResult.ALLOW | AuthorizeResult.DENY } = {},
  ) {
    return startExampleBackend({
      knex: await databases.init(databaseId),
      ...options,
    });
  }

  it('deploys a version to dev as a one-line commit and records it', async () => {
    const { server, git } = await start();
    const before = git('rev-parse', 'main');
    const res = await post(
      server,
      `${api}/entities/default/component/cart/deployments`,
    )
      .send({ environment: 'dev', version: '1.13.0' })
      .expect(202);

    expect(git('rev-parse', 'main^')).toBe(before);
    expect(res.body.commitSha).toBe(git('rev-parse', 'main'));
    expect(changedLines(git)).toEqual([
      '-    newTag: "1.12.0"',
      '+    newTag: "1.13.0"',
    ]);
    expect(git('show', '--name-only', '--format=', 'main')).toBe(
      'cart/overlays/dev/kustomization.yaml',
    );
    expect(git('log', '-1', '--format=%s', 'main')).toBe(
      'Deploy cart 1.13.0 to dev',
    );
    expect(res.body.deployments).toHaveLength(1);
    const [record] = res.body.deployments;
    expect(record).toMatchObject({
      entityRef: 'component:default/cart',
      environment: 'dev',
      action: 'deploy',
      actor: 'user:default/guest',
      fromVersion: '1.12.0',
      toVersion: '1.13.0',
      status: 'committed',
      commitSha: res.body.commitSha,
    });

    const commitPath = new URL(res.body.commitUrl).pathname;
    const shown = await request(server)
      .get(commitPath)
      .set('Authorization', user)
      .expect(200);
    expect(shown.text).toContain('+    newTag: "1.13.0"');

    const fetched = await request(server)
      .get(`${api}/deployments/${record.id}`)
      .set('Authorization', user)
      .expect(200);
    expect(fetched.body.steps.map((s: any) => s.name)).toEqual([
      'requested',
      'committed',
    ]);
    const envs = await request(server)
      .get(`${api}/entities/default/component/cart/environments`)
      .set('Authorization', user)
      .expect(200);
    expect(envs.body.environments[0].lastDeployment.id).toBe(record.id);
  });

  it('writes nothing and says so when the version is already there', async () => {
    const { server, git } = await start();
    const before = git('rev-parse', 'main');
    const res = await post(
      server,
      `${api}/entities/default/component/cart/deployments`,
    )
      .send({ environment: 'dev', version: '1.12.0' })
      .expect(200);
    expect(res.body).toMatchObject({ unchanged: true, deployments: [] });
    expect(res.body.message).toContain('cart already runs 1.12.0 in dev');
    expect(git('rev-parse', 'main')).toBe(before);
  });

  it('edits Helm values and plain manifests by exactly the value', async () => {
    const { server, git } = await start();
    await post(server, `${api}/entities/default/component/notifier/deployments`)
      .send({ environment: 'staging', version: '0.9.4' })
      .expect(202);
    expect(changedLines(git)).toEqual(['-  tag: "0.9.2"', '+  tag: "0.9.4"']);

    await post(server, `${api}/entities/default/component/worker/deployments`)
      .send({ environment: 'dev', version: '1.2.0' })
      .expect(202);
    // The Deployment and the CronJob of workloads.yaml both run the worker image.
    expect(changedLines(git)).toEqual([
      '-        image: registry.shop.example/shop/worker:1.1.0',
      '+        image: registry.shop.example/shop/worker:1.2.0',
      '-              image: registry.shop.example/shop/worker:1.1.0',
      '+              image: registry.shop.example/shop/worker:1.2.0',
    ]);
  });

  it('promotes along the pipeline and refuses to skip a stage', async () => {
    const { server, git } = await start();
    const res = await post(
      server,
      `${api}/entities/default/component/orders/promotions`,
    )
      .send({ from: 'dev', to: 'staging' })
      .expect(202);
    expect(res.body.deployments[0]).toMatchObject({
      action: 'promote',
      fromVersion: '3.1.0',
      toVersion: '3.2.0',
    });
    expect(changedLines(git)).toEqual([
      '-    newTag: "3.1.0"',
      '+    newTag: "3.2.0"',
    ]);

    const skip = await post(
      server,
      `${api}/entities/default/component/orders/promotions`,
    )
      .send({ from: 'dev', to: 'production' })
      .expect(400);
    expect(skip.body.error.message).toBe(
      'production promotes from staging, not dev',
    );
  });

  it('opens one pull request for production and updates it on the next change', async () => {
    const { server, git } = await start();
    const main = git('rev-parse', 'main');
    const first = await post(
      server,
      `${api}/entities/default/component/cart/deployments`,
    )
      .send({ environment: 'production', version: '1.11.4' })
      .expect(202);
    expect(first.body.pullRequest).toMatchObject({
      number: 1,
      created: true,
      state: 'open',
    });
    expect(first.body.deployments[0]).toMatchObject({
      status: 'pr-opened',
      pullRequestUrl: first.body.pullRequest.url,
    });
    expect(git('rev-parse', 'main')).toBe(main);
    expect(git('rev-parse', 'shipdeck/production/cart^')).toBe(main);
    expect(changedLines(git, 'shipdeck/production/cart')).toEqual([
      '-    newTag: "1.11.2"',
      '+    newTag: "1.11.4"',
    ]);

    const second = await post(
      server,
      `${api}/entities/default/component/cart/deployments`,
    )
      .send({ environment: 'production', version: '1.12.0' })
      .expect(202);
    expect(second.body.pullRequest).toMatchObject({
      number: 1,
      created: false,
    });
    const pull = await request(server)
      .get(new URL(second.body.pullRequest.url).pathname)
      .set('Authorization', user)
      .expect(200);
    expect(pull.body).toMatchObject({
      number: 1,
      head: 'shipdeck/production/cart',
      base: 'main',
      state: 'open',
      title: 'Deploy cart 1.12.0 to production',
    });
    expect(pull.body.body).toContain(
      '| cart | `1.11.2` | `1.12.0` | `cart/overlays/production/kustomization.yaml` |',
    );
    expect(changedLines(git, 'shipdeck/production/cart')).toEqual([
      '-    newTag: "1.11.2"',
      '+    newTag: "1.12.0"',
    ]);
  });

  it('rolls back to an earlier deployment from the records', async () => {
    const { server, git } = await start();
    const first = await post(
      server,
      `${api}/entities/default/component/cart/deployments`,
    )
      .send({ environment: 'dev', version: '1.13.0' })
      .expect(202);
    await post(server, `${api}/entities/default/component/cart/deployments`)
      .send({ environment: 'dev', version: '1.14.0' })
      .expect(202);
    const back = await post(
      server,
      `${api}/entities/default/component/cart/rollbacks`,
    )
      .send({ environment: 'dev', to: first.body.deployments[0].id })
      .expect(202);
    expect(back.body.deployments[0]).toMatchObject({
      action: 'rollback',
      fromVersion: '1.14.0',
      toVersion: '1.13.0',
    });
    expect(changedLines(git)).toEqual([
      '-    newTag: "1.14.0"',
      '+    newTag: "1.13.0"',
    ]);
    const wrong = await post(
      server,
      `${api}/entities/default/component/orders/rollbacks`,
    )
      .send({ environment: 'dev', to: first.body.deployments[0].id })
      .expect(400);
    expect(wrong.body.error.message).toContain(
      'is not a deployment of component:default/orders to dev',
    );
  });

  it('releases a whole System to staging as one commit', async () => {
    const { server, git } = await start();
    const before = git('rev-parse', 'main');
    const res = await post(server, `${api}/releases`)
      .send({ environment: 'staging', system: 'shop' })
      .expect(202);
    expect(git('rev-parse', 'main^')).toBe(before);
    expect(
      git('show', '--name-only', '--format=', 'main').split('\n').sort(),
    ).toEqual([
      'cart/overlays/staging/kustomization.yaml',
      'charts/notifier/values-staging.yaml',
      'orders/overlays/staging/kustomization.yaml',
      'payments/overlays/staging/kustomization.yaml',
      'staging/worker/workloads.yaml',
      'storefront/overlays/staging/kustomization.yaml',
    ]);
    expect(
      new Set(res.body.deployments.map((d: any) => d.changeSetId)),
    ).toEqual(new Set([res.body.changeSetId]));
    expect(
      res.body.deployments
        .map((d: any) => `${d.entityRef}:${d.fromVersion}->${d.toVersion}`)
        .sort(),
    ).toEqual([
      'component:default/cart:1.11.4->1.12.0',
      'component:default/notifier:0.9.2->0.9.3',
      'component:default/orders:3.1.0->3.2.0',
      'component:default/payments:5.0.0->5.0.1',
      'component:default/storefront:2.7.3->2.8.0',
      'component:default/worker:1.0.5->1.1.0',
    ]);
  });

  it('deploys from a tag with promote: the listed services, versions from the previous environment', async () => {
    const { server, git } = await start();
    const res = await post(server, `${api}/tag-deployments`)
      .send({
        tag: 'shop/staging/2026/11/23/1430-hotfix-cart,orders',
        promote: true,
      })
      .expect(202);
    expect(res.body.deployments.map((d: any) => d.entityRef).sort()).toEqual([
      'component:default/cart',
      'component:default/orders',
    ]);
    expect(
      git('show', '--name-only', '--format=', 'main').split('\n').sort(),
    ).toEqual([
      'cart/overlays/staging/kustomization.yaml',
      'orders/overlays/staging/kustomization.yaml',
    ]);
    const bad = await post(server, `${api}/tag-deployments`)
      .send({ tag: 'shop/staging/2026/13/23/1430-hotfix', promote: true })
      .expect(400);
    expect(bad.body.error.message).toContain('is not a real date and time');
  });

  it.each([
    [
      'an unknown environment',
      'cart',
      { environment: 'qa', version: '1.0.0' },
      400,
      "does not run in environment 'qa'",
    ],
    [
      'a malformed version',
      'cart',
      { environment: 'dev', version: 'v1 beta' },
      400,
      'v1 beta',
    ],
    [
      'both version and gitRef',
      'cart',
      { environment: 'dev', version: '1.0.0', gitRef: 'main' },
      400,
      'exactly one of version or gitRef',
    ],
    [
      'an unknown field',
      'cart',
      { environment: 'dev', version: '1.0.0', force: true },
      400,
      'Unrecognized key',
    ],
    [
      'missing annotations',
      'search-indexer',
      { environment: 'dev', version: '1.0.0' },
      400,
      'is not set up for Shipdeck',
    ],
    [
      'an unknown entity',
      'nope',
      { environment: 'dev', version: '1.0.0' },
      404,
      'No entity component:default/nope',
    ],
  ])(
    'rejects %s and writes nothing',
    async (_what, service, body, status, message) => {
      const { server, git } = await start();
      const before = git('for-each-ref');
      const res = await post(
        server,
        `${api}/entities/default/component/${service}/deployments`,
      )
        .send(body)
        .expect(status);
      expect(res.body.error.message).toContain(message);
      expect(git('for-each-ref')).toBe(before);
    },
  );

  it('deploys a branch of the source repository as its head commit', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'shipdeck-src-'));
    const seed = mkdtempSync(join(tmpdir(), 'shipdeck-src-seed-'));
    writeFileSync(join(seed, 'README.md'), '# cart\n');
    const entities = withAnnotations(exampleEntities(), ['cart'], {
      'shipdeck.io/source-repo': 'local:cart-src',
    });
    const srcDir = join(scratch, 'cart-src.git');
    const { server, git } = await startExampleBackend({
      knex: await databases.init(databaseId),
      entities,
      extraLocal: [{ name: 'cart-src', path: srcDir, seedFrom: seed }],
    });
    const head = execFileSync(
      'git',
      ['--git-dir', srcDir, 'rev-parse', 'main'],
      { encoding: 'utf8' },
    ).trim();
    const res = await post(
      server,
      `${api}/entities/default/component/cart/deployments`,
    )
      .send({ environment: 'dev', gitRef: 'main' })
      .expect(202);
    expect(res.body.deployments[0].toVersion).toBe(head);
    expect(git('show', 'main:cart/overlays/dev/kustomization.yaml')).toContain(
      `newTag: "${head}"`,
    );
    const missing = await post(
      server,
      `${api}/entities/default/component/cart/deployments`,
    )
      .send({ environment: 'dev', gitRef: 'no-such-branch' })
      .expect(404);
    expect(missing.body.error.message).toContain(
      'has no branch no-such-branch',
    );
    const noSource = await post(
      server,
      `${api}/entities/default/component/orders/deployments`,
    )
      .send({ environment: 'dev', gitRef: 'main' })
      .expect(400);
    expect(noSource.body.error.message).toContain(
      'has no shipdeck.io/source-repo annotation',
    );
  });

  it('rejects a manifest path that escapes the repository, and YAML that does not parse', async () => {
    const seed = mkdtempSync(join(tmpdir(), 'shipdeck-broken-'));
    cpSync(join(examplesDir, 'manifests'), seed, { recursive: true });
    writeFileSync(
      join(seed, 'cart/overlays/dev/kustomization.yaml'),
      'images:\n  - name: [unclosed\n',
    );
    const entities = exampleEntities().map(e =>
      e.metadata.name === 'orders'
        ? {
            ...e,
            metadata: {
              ...e.metadata,
              annotations: {
                ...e.metadata.annotations,
                'shipdeck.io/manifest-path': '../outside/{env}',
              },
            },
          }
        : e,
    );
    const { server, git } = await startExampleBackend({
      knex: await databases.init(databaseId),
      entities,
      seedFrom: seed,
    });
    const before = git('for-each-ref');
    const escape = await post(
      server,
      `${api}/entities/default/component/orders/deployments`,
    )
      .send({ environment: 'dev', version: '1.0.0' })
      .expect(400);
    expect(escape.body.error.message).toContain('escapes the repository');
    const broken = await post(
      server,
      `${api}/entities/default/component/cart/deployments`,
    )
      .send({ environment: 'dev', version: '1.0.0' })
      .expect(400);
    expect(broken.body.error.message).toContain(
      'cart/overlays/dev/kustomization.yaml',
    );
    expect(git('for-each-ref')).toBe(before);
  });

  it('refuses callers the policy denies, with 403, and writes nothing', async () => {
    const { server, git } = await start({ permission: AuthorizeResult.DENY });
    const before = git('rev-parse', 'main');
    const res = await post(
      server,
      `${api}/entities/default/component/cart/deployments`,
    )
      .send({ environment: 'production', version: '9.9.9' })
      .expect(403);
    expect(res.body.error.message).toContain(
      'gitops.deploy.protected is needed',
    );
    expect(git('rev-parse', 'main')).toBe(before);
    expect(git('branch', '--list', 'shipdeck/*')).toBe('');
  });

  it('replays the first answer to a repeated Idempotency-Key and refuses a different body', async () => {
    const { server, git } = await start();
    const send = (version: string) =>
      post(server, `${api}/entities/default/component/cart/deployments`)
        .set('Idempotency-Key', 'ci-run-42')
        .send({ environment: 'dev', version });
    const first = await send('1.13.0').expect(202);
    const again = await send('1.13.0').expect(202);
    expect(again.body).toEqual(first.body);
    expect(git('rev-list', '--count', 'main')).toBe('2');
    const other = await send('1.14.0').expect(409);
    expect(other.body.error.message).toContain(
      "Idempotency-Key 'ci-run-42' was already used",
    );
  });
});
