import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { startExampleBackend } from '../__testUtils__/exampleBackend';

jest.setTimeout(120_000);

const databases = createTestDatabases();
const user = mockCredentials.user.header('user:default/guest');
const api = '/api/gitops';

describe.each(databases.eachSupportedId())('dry runs on %s', databaseId => {
  async function start(
    options: { permission?: AuthorizeResult.ALLOW | AuthorizeResult.DENY } = {},
  ) {
    const backend = await startExampleBackend({
      knex: await databases.init(databaseId),
      ...options,
    });
    const post = (path: string, body: object) =>
      request(backend.server)
        .post(`${api}/entities/default/component/${path}`)
        .set('Authorization', user)
        .send(body);
    /** Branches, tags and their commits: whatever a write would move. */
    const refs = () => backend.git('for-each-ref');
    const records = async (service: string) => {
      const res = await request(backend.server)
        .get(`${api}/entities/default/component/${service}/timeline`)
        .query({ types: 'deployment' })
        .set('Authorization', user)
        .expect(200);
      return res.body.events;
    };
    return { ...backend, post, refs, records };
  }

  it('shows the diff a deploy to dev would commit, and writes nothing', async () => {
    const { post, refs, records } = await start();
    const before = refs();
    const res = await post('cart/deployments', {
      environment: 'dev',
      version: '1.13.0',
      dryRun: true,
    }).expect(200);
    expect(res.body).toEqual({
      dryRun: true,
      unchanged: false,
      summary: 'Deploy cart 1.13.0 to dev',
      mode: 'commit',
      repository: 'local:demo',
      branch: 'main',
      changes: [
        {
          entityRef: 'component:default/cart',
          environment: 'dev',
          path: 'cart/overlays/dev/kustomization.yaml',
          fromVersion: '1.12.0',
          toVersion: '1.13.0',
          diff: expect.any(String),
        },
      ],
    });
    const { diff } = res.body.changes[0];
    expect(diff).toMatch(
      /^--- a\/cart\/overlays\/dev\/kustomization\.yaml\n\+\+\+ b\/cart\/overlays\/dev\/kustomization\.yaml\n@@ /,
    );
    expect(
      diff.split('\n').filter((l: string) => /^[-+](?![-+])/.test(l)),
    ).toEqual(['-    newTag: "1.12.0"', '+    newTag: "1.13.0"']);
    expect(refs()).toBe(before);
    expect(await records('cart')).toEqual([]);

    // The same request for real writes exactly that change.
    await post('cart/deployments', {
      environment: 'dev',
      version: '1.13.0',
    }).expect(202);
    expect(await records('cart')).toHaveLength(1);
  });

  it('says production would get a pull request, and opens none', async () => {
    const { post, refs, git } = await start();
    const before = refs();
    const res = await post('cart/deployments', {
      environment: 'production',
      version: '1.12.0',
      dryRun: true,
    }).expect(200);
    expect(res.body).toMatchObject({
      mode: 'pull-request',
      branch: 'main',
      changes: [{ fromVersion: '1.11.2', toVersion: '1.12.0' }],
    });
    expect(refs()).toBe(before);
    expect(git('branch', '--list', 'shipdeck/*')).toBe('');
  });

  it('previews promotions and roll backs, and says when nothing would change', async () => {
    const { post, refs } = await start();
    const before = refs();
    const promote = await post('orders/promotions', {
      from: 'dev',
      to: 'staging',
      dryRun: true,
    }).expect(200);
    expect(promote.body.changes).toMatchObject([
      { environment: 'staging', fromVersion: '3.1.0', toVersion: '3.2.0' },
    ]);
    const rollback = await post('cart/rollbacks', {
      environment: 'dev',
      to: '1.11.0',
      dryRun: true,
    }).expect(200);
    expect(rollback.body.changes).toMatchObject([
      { fromVersion: '1.12.0', toVersion: '1.11.0' },
    ]);
    const same = await post('cart/deployments', {
      environment: 'dev',
      version: '1.12.0',
      dryRun: true,
    }).expect(200);
    expect(same.body).toMatchObject({
      unchanged: true,
      summary: 'Nothing to do: cart already runs 1.12.0 in dev',
      changes: [{ fromVersion: '1.12.0', toVersion: '1.12.0', diff: '' }],
    });
    expect(refs()).toBe(before);
  });

  it('refuses a dry run exactly like the real request', async () => {
    const { post, refs } = await start({ permission: AuthorizeResult.DENY });
    const before = refs();
    const denied = await post('cart/deployments', {
      environment: 'production',
      version: '9.9.9',
      dryRun: true,
    }).expect(403);
    expect(denied.body.error.message).toContain(
      'gitops.deploy.protected is needed',
    );
    const unknown = await post('cart/deployments', {
      environment: 'qa',
      version: '9.9.9',
      dryRun: true,
    }).expect(400);
    expect(unknown.body.error.message).toContain(
      "does not run in environment 'qa'",
    );
    const malformed = await post('cart/deployments', {
      environment: 'dev',
      version: '9.9.9',
      dryRun: 'yes',
    }).expect(400);
    expect(malformed.body.error.message).toContain('dryRun');
    await post('nope/deployments', {
      environment: 'dev',
      version: '9.9.9',
      dryRun: true,
    }).expect(404);
    expect(refs()).toBe(before);
  });
});
