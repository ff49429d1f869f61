import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import request from 'supertest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { startExampleBackend } from '../__testUtils__/exampleBackend';
import { startGitHubBackend } from '../__testUtils__/githubBackend';
import { startRegistry } from '../__testUtils__/registryStandIn';
import { splitManifests } from '../manifests/__testUtils__/splitManifests';

jest.setTimeout(120_000);

const databases = createTestDatabases();
const user = mockCredentials.user.header('user:default/guest');
const api = '/api/gitops/entities/default/component';

// Environments named for people, folders and image repositories spelled short.
const environments = [
  { name: 'dev' },
  { name: 'staging' },
  { name: 'production', pathName: 'prod' },
];

/** The layouts teams really have, for one service per environment. */
function layoutFiles(registry: string): Record<string, string> {
  const files: Record<string, string> = {};
  const versions = { dev: '2.5.0', staging: '2.4.0', prod: '2.3.0' };
  for (const [env, version] of Object.entries(versions)) {
    const image = `${registry}/shop/order-${env}:${version}`;
    const folder = `${env}/manifests/order`;
    Object.assign(files, splitManifests(folder, `order-${env}`, image));
    // A single file per environment, for the invoice service.
    files[`${env}/invoice.yaml`] = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: invoice
spec:
  template:
    spec:
      containers:
        - name: invoice
          image: ${registry}/shop/invoice-${env}:${
      env === 'staging' ? '1.1.0' : '1.0.0'
    }
`;
  }
  return files;
}

function seed(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'shipdeck-layouts-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

function component(name: string, annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'service', owner: 'group:default/team-shop' },
  };
}

const rawService = (registry: string, path: string) =>
  component('order', {
    'shipdeck.io/image': `${registry}/shop/order-{env}`,
    'shipdeck.io/manifest-path': path,
    'shipdeck.io/write-strategy': 'raw-image',
  });

/** The lines a commit changed, as `-old` / `+new` pairs without context. */
function changedLines(git: (...args: string[]) => string, sha = 'main') {
  return git('show', '--format=', '--unified=0', sha)
    .split('\n')
    .filter(l => /^[-+](?![-+])/.test(l));
}

describe('manifest layouts', () => {
  async function start(
    entities: Entity[],
    registry = 'registry.shop.example',
    gitops: Record<string, unknown> = {},
    tweak: (files: Record<string, string>) => void = () => {},
  ) {
    const files = layoutFiles(registry);
    tweak(files);
    const backend = await startExampleBackend({
      knex: await databases.init('SQLITE_3'),
      entities,
      seedFrom: seed(files),
      gitops: config => ({ ...config, environments, ...gitops }),
    });
    const post = (path: string, body: object) =>
      request(backend.server)
        .post(`${api}/${path}`)
        .set('Authorization', user)
        .send(body);
    return { ...backend, post };
  }

  it('deploys every file of a raw folder in one commit, and lists the files', async () => {
    const { post, git } = await start([
      rawService('registry.shop.example', '{env}/manifests/{service}/'),
    ]);
    const before = git('rev-parse', 'main');
    const dev = 'registry.shop.example/shop/order-dev';

    const preview = await post('order/deployments', {
      environment: 'dev',
      version: '2.6.0',
      dryRun: true,
    }).expect(200);
    expect(
      preview.body.changes.map((c: any) => [
        c.path,
        c.fromVersion,
        c.toVersion,
      ]),
    ).toEqual([
      ['dev/manifests/order/order-dev-cronjob.yaml', '2.5.0', '2.6.0'],
      ['dev/manifests/order/order-dev-deployment.yaml', '2.5.0', '2.6.0'],
      ['dev/manifests/order/order-dev-migrate.yaml', '2.5.0', '2.6.0'],
    ]);
    expect(preview.body.changes[1].diff).toContain(
      `-          image: ${dev}:2.5.0 # set by Shipdeck\n+          image: ${dev}:2.6.0 # set by Shipdeck`,
    );
    expect(git('rev-parse', 'main')).toBe(before);

    const res = await post('order/deployments', {
      environment: 'dev',
      version: '2.6.0',
    }).expect(202);
    expect(git('rev-parse', 'main^')).toBe(before);
    expect(res.body.files).toEqual([
      'dev/manifests/order/order-dev-cronjob.yaml',
      'dev/manifests/order/order-dev-deployment.yaml',
      'dev/manifests/order/order-dev-migrate.yaml',
    ]);
    expect(git('show', '--name-only', '--format=', 'main').split('\n')).toEqual(
      res.body.files,
    );
    expect(changedLines(git)).toEqual([
      `-            image: ${dev}:2.5.0`,
      `+            image: ${dev}:2.6.0`,
      `-          image: ${dev}:2.5.0 # set by Shipdeck`,
      `+          image: ${dev}:2.6.0 # set by Shipdeck`,
      `-          image: "${dev}:2.5.0"`,
      `+          image: "${dev}:2.6.0"`,
    ]);
    expect(git('log', '-1', '--format=%B', 'main')).toContain(
      '- order: 2.5.0 → 2.6.0 (dev/manifests/order/order-dev-cronjob.yaml, dev/manifests/order/order-dev-deployment.yaml, dev/manifests/order/order-dev-migrate.yaml)',
    );
    expect(res.body.deployments).toHaveLength(1);
    expect(res.body.deployments[0]).toMatchObject({
      fromVersion: '2.5.0',
      toVersion: '2.6.0',
    });
  });

  it('deploys the files a glob matches, under the pathName, and promotes between image repositories', async () => {
    const { post, git } = await start([
      rawService(
        'registry.shop.example',
        '{env}/manifests/{service}/{service}-{env}-*.yaml',
      ),
    ]);
    const res = await post('order/promotions', {
      from: 'staging',
      to: 'production',
    }).expect(202);
    expect(res.body.deployments[0]).toMatchObject({
      environment: 'production',
      fromVersion: '2.3.0',
      toVersion: '2.4.0',
    });
    expect(res.body.files).toEqual([
      'prod/manifests/order/order-prod-cronjob.yaml',
      'prod/manifests/order/order-prod-deployment.yaml',
      'prod/manifests/order/order-prod-migrate.yaml',
    ]);
    // The staging tag, in the production repository.
    expect(changedLines(git).filter(l => l.startsWith('+'))).toEqual([
      '+            image: registry.shop.example/shop/order-prod:2.4.0',
      '+          image: registry.shop.example/shop/order-prod:2.4.0 # set by Shipdeck',
      '+          image: "registry.shop.example/shop/order-prod:2.4.0"',
    ]);
  });

  it('promotes a tag from one image repository to another as a one-line change in the pathName folder', async () => {
    const { post, git } = await start([
      component('invoice', {
        'shipdeck.io/image': 'registry.shop.example/shop/invoice-{env}',
        'shipdeck.io/manifest-path': '{env}/{service}.yaml',
        'shipdeck.io/write-strategy': 'raw-image',
      }),
    ]);
    await post('invoice/promotions', {
      from: 'staging',
      to: 'production',
    }).expect(202);
    expect(git('show', '--name-only', '--format=', 'main')).toBe(
      'prod/invoice.yaml',
    );
    expect(changedLines(git)).toEqual([
      '-          image: registry.shop.example/shop/invoice-prod:1.0.0',
      '+          image: registry.shop.example/shop/invoice-prod:1.1.0',
    ]);
  });

  it('refuses a glob with no match, a missing folder and disagreeing files with 400, writing nothing', async () => {
    const cases: Array<[string, object, string]> = [
      [
        '{env}/manifests/{service}/{service}-{env}-*.yml',
        { environment: 'dev', version: '2.6.0' },
        "No file matches 'dev/manifests/order/order-dev-*.yml' in local:demo@main",
      ],
      [
        '{env}/deploy/{service}',
        { environment: 'dev', version: '2.6.0' },
        "Folder 'dev/deploy/order' does not exist in local:demo@main",
      ],
      [
        '{env}/manifests/{service}/{service}-{env}-*.yaml',
        { environment: 'dev', version: 'v 2' },
        '"v 2" is not a valid image tag',
      ],
    ];
    for (const [path, body, message] of cases) {
      const { post, git } = await start([
        rawService('registry.shop.example', path),
      ]);
      const before = git('for-each-ref');
      const res = await post('order/deployments', body).expect(400);
      expect(res.body.error.message).toContain(message);
      expect(git('for-each-ref')).toBe(before);
    }

    // Staging's Job drifted: promoting would copy one side of it blindly.
    const { post, git } = await start(
      [rawService('registry.shop.example', '{env}/manifests/{service}')],
      'registry.shop.example',
      {},
      files => {
        const job = 'staging/manifests/order/order-staging-migrate.yaml';
        files[job] = files[job].replace(':2.4.0', ':2.3.9');
      },
    );
    const before = git('for-each-ref');
    const drifted = await post('order/promotions', {
      from: 'staging',
      to: 'production',
    }).expect(400);
    expect(drifted.body.error.message).toBe(
      'The files of staging/manifests/order disagree on the version of registry.shop.example/shop/order-staging: staging/manifests/order/order-staging-cronjob.yaml has 2.4.0; staging/manifests/order/order-staging-deployment.yaml has 2.4.0; staging/manifests/order/order-staging-migrate.yaml has 2.3.9. Deploy one version to align them.',
    );
    expect(git('for-each-ref')).toBe(before);
  });

  it("checks the target environment's image repository before promoting", async () => {
    const tags: Record<string, string[]> = {
      'shop/invoice-staging': ['1.1.0'],
      'shop/invoice-prod': ['1.0.0'],
    };
    const registry = await startRegistry(tags);
    try {
      const { post, git } = await start(
        [
          component('invoice', {
            'shipdeck.io/image': `${registry.host}/shop/invoice-{env}`,
            'shipdeck.io/manifest-path': '{env}/{service}.yaml',
            'shipdeck.io/write-strategy': 'raw-image',
          }),
        ],
        registry.host,
        {
          verifyImages: true,
          registries: [{ host: registry.host, insecure: true }],
        },
      );
      const before = git('for-each-ref');
      const missing = await post('invoice/promotions', {
        from: 'staging',
        to: 'production',
      }).expect(400);
      expect(missing.body.error.message).toBe(
        `Not in the registry: ${registry.host}/shop/invoice-prod:1.1.0. Nothing was written; push the image first.`,
      );
      expect(git('for-each-ref')).toBe(before);
      expect(registry.seen).toContain('HEAD shop/invoice-prod:1.1.0');

      tags['shop/invoice-prod'].push('1.1.0');
      await post('invoice/promotions', {
        from: 'staging',
        to: 'production',
      }).expect(202);
      expect(changedLines(git)).toEqual([
        `-          image: ${registry.host}/shop/invoice-prod:1.0.0`,
        `+          image: ${registry.host}/shop/invoice-prod:1.1.0`,
      ]);
    } finally {
      registry.close();
    }
  });

  it('deploys a raw folder on GitHub (stand-in): the folder listed through the trees API, one commit', async () => {
    const { server, git, standIn, close } = await startGitHubBackend({
      knex: await databases.init('SQLITE_3'),
      files: layoutFiles('registry.shop.example'),
      entities: [
        rawService('registry.shop.example', '{env}/manifests/{service}/'),
        component('ghost', {
          'shipdeck.io/image': 'registry.shop.example/shop/ghost-{env}',
          'shipdeck.io/manifest-path': '{env}/manifests/{service}/',
          'shipdeck.io/write-strategy': 'raw-image',
        }),
      ],
    });
    try {
      const before = git('rev-parse', 'main');
      standIn.resetCalls();
      const res = await request(server)
        .post(`${api}/order/deployments`)
        .set('Authorization', user)
        .send({ environment: 'dev', version: '2.6.0' })
        .expect(202);
      expect(git('rev-parse', 'main^')).toBe(before);
      expect(
        git('show', '--name-only', '--format=', 'main').split('\n'),
      ).toEqual([
        'dev/manifests/order/order-dev-cronjob.yaml',
        'dev/manifests/order/order-dev-deployment.yaml',
        'dev/manifests/order/order-dev-migrate.yaml',
      ]);
      expect(res.body.files).toEqual(
        git('show', '--name-only', '--format=', 'main').split('\n'),
      );
      expect(changedLines(git).filter(l => l.startsWith('+'))).toEqual([
        '+            image: registry.shop.example/shop/order-dev:2.6.0',
        '+          image: registry.shop.example/shop/order-dev:2.6.0 # set by Shipdeck',
        '+          image: "registry.shop.example/shop/order-dev:2.6.0"',
      ]);
      expect(
        standIn.calls.map(
          c => `${c.method} ${decodeURIComponent(c.path.replace(/\?.*/, ''))}`,
        ),
      ).toEqual([
        'GET /repos/shop/deploy/git/ref/heads/main',
        `GET /repos/shop/deploy/git/commits/${before}`,
        // The head's tree, then down to the folder, which is listed whole.
        ...[
          `${before}^{tree}`,
          ...['dev', 'dev/manifests', 'dev/manifests/order'].map(
            folder => `${before}:${folder}`,
          ),
        ].map(
          tree => `GET /repos/shop/deploy/git/trees/${git('rev-parse', tree)}`,
        ),
        'POST /graphql',
        'POST /repos/shop/deploy/git/trees',
        'POST /repos/shop/deploy/git/commits',
        'PATCH /repos/shop/deploy/git/refs/heads/main',
      ]);

      const after = git('for-each-ref');
      const missing = await request(server)
        .post(`${api}/ghost/deployments`)
        .set('Authorization', user)
        .send({ environment: 'dev', version: '2.6.0' })
        .expect(400);
      expect(missing.body.error.message).toBe(
        "Folder 'dev/manifests/ghost' does not exist in github.com/shop/deploy@main",
      );
      expect(git('for-each-ref')).toBe(after);
    } finally {
      await close();
    }
  });
});
