import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  runAction,
  snapshotFolder,
  startGitopsBackend,
} from '../__testUtils__/gitopsBackend';
import { parseObjects, validateObject } from '../__testUtils__/kubernetes';
import { createArgocdApplicationCreateAction } from './argocdApplicationCreate';
import { createGitopsManifestsCreateAction } from './gitopsManifestsCreate';

jest.setTimeout(60_000);

const ENVIRONMENTS = ['dev', 'staging', 'production'];
const BASE_INPUT = {
  name: 'cart',
  environments: ENVIRONMENTS,
  repoURL: 'https://github.com/acme/deploy.git',
};

let backend: Awaited<ReturnType<typeof startGitopsBackend>>;
let action: ReturnType<typeof createArgocdApplicationCreateAction>;

beforeAll(async () => {
  backend = await startGitopsBackend();
  action = createArgocdApplicationCreateAction(backend.options);
});

afterAll(async () => {
  await backend?.stop();
});

async function applications(workspacePath: string, outputs: any) {
  const result: Record<string, any> = {};
  for (const app of outputs.applications) {
    const objects = parseObjects(
      await readFile(join(workspacePath, app.path), 'utf8'),
    );
    expect(objects).toHaveLength(1);
    validateObject(objects[0]);
    result[app.environment] = objects[0];
  }
  return result;
}

describe('argocd:application:create', () => {
  it('writes one valid Application per environment, synced automatically only where Shipdeck does not sync', async () => {
    const { workspacePath, outputs } = await runAction(action, BASE_INPUT);
    expect(outputs.files).toEqual([
      'argocd/dev/cart.yaml',
      'argocd/staging/cart.yaml',
      'argocd/production/cart.yaml',
    ]);
    expect(outputs.applications).toEqual(
      ENVIRONMENTS.map(env => ({
        environment: env,
        name: `cart-${env}`,
        namespace: `cart-${env}`,
        appNamespace: 'argocd',
        path: `argocd/${env}/cart.yaml`,
      })),
    );
    expect(outputs.appNameTemplate).toBe('{service}-{env}');
    expect(outputs.environmentLabel).toBe('shipdeck.io/environment');

    const apps = await applications(workspacePath, outputs);
    for (const env of ENVIRONMENTS) {
      const app = apps[env];
      expect(app.metadata).toMatchObject({
        name: `cart-${env}`,
        namespace: 'argocd',
        labels: {
          'app.kubernetes.io/name': 'cart',
          'shipdeck.io/environment': env,
        },
        finalizers: ['resources-finalizer.argocd.argoproj.io'],
      });
      expect(app.spec.project).toBe('default');
      expect(app.spec.source).toEqual({
        repoURL: 'https://github.com/acme/deploy.git',
        targetRevision: 'main',
        path: `cart/overlays/${env}`,
      });
      expect(app.spec.destination).toEqual({
        server: 'https://kubernetes.default.svc',
        namespace: `cart-${env}`,
      });
      expect(app.spec.syncPolicy.syncOptions).toContain('CreateNamespace=true');
      expect(app.spec.revisionHistoryLimit).toBe(10);
    }
    // production is protected and reviewed: Shipdeck syncs it.
    expect(apps.dev.spec.syncPolicy.automated).toEqual({
      prune: true,
      selfHeal: true,
    });
    expect(apps.staging.spec.syncPolicy.automated).toEqual({
      prune: true,
      selfHeal: true,
    });
    expect(apps.production.spec.syncPolicy.automated).toBeUndefined();
    expect(apps.production.spec.syncPolicy.retry).toBeUndefined();
  });

  it('takes the templates, destination, labels and per-environment sync it is given', async () => {
    const { workspacePath, outputs } = await runAction(action, {
      ...BASE_INPUT,
      repoURL: 'local:demo',
      targetRevision: 'release',
      targetPath: 'deploy',
      path: 'apps/{env}/{service}-app.yaml',
      sourcePath: 'envs/{env}/{service}',
      project: 'shop',
      destination: { name: 'prod-cluster' },
      namespace: 'shop-{env}',
      appNamespace: 'gitops',
      nameTemplate: '{env}-{service}',
      environmentLabel: 'shop.example/environment',
      automated: { dev: false, production: true },
      syncOptions: ['CreateNamespace=true'],
      revisionHistoryLimit: 3,
    });
    expect(outputs.files).toContain('apps/production/cart-app.yaml');
    const apps = await applications(join(workspacePath, 'deploy'), outputs);
    expect(apps.production.metadata.name).toBe('production-cart');
    expect(apps.production.metadata.namespace).toBe('gitops');
    expect(apps.production.metadata.labels['shop.example/environment']).toBe(
      'production',
    );
    expect(apps.production.spec.source).toEqual({
      repoURL: 'local:demo',
      targetRevision: 'release',
      path: 'envs/production/cart',
    });
    expect(apps.production.spec.destination).toEqual({
      name: 'prod-cluster',
      namespace: 'shop-production',
    });
    expect(apps.dev.spec.syncPolicy.automated).toBeUndefined();
    expect(apps.staging.spec.syncPolicy.automated).toBeDefined();
    expect(apps.production.spec.syncPolicy.automated).toBeDefined();
    expect(apps.production.spec.revisionHistoryLimit).toBe(3);
    expect(outputs.appNameTemplate).toBe('{env}-{service}');
  });

  it('points Applications at what gitops:manifests:create wrote, for kustomize and for both kinds of Helm chart', async () => {
    const manifests = createGitopsManifestsCreateAction(backend.options);
    const kustomize = await runAction(manifests, {
      name: 'cart',
      image: 'registry.shop.example/shop/cart',
      environments: ENVIRONMENTS,
    });
    const fromKustomize = await runAction(action, {
      ...BASE_INPUT,
      sourcePath: kustomize.outputs.manifestPath,
    });
    const kustomizeApps = await applications(
      fromKustomize.workspacePath,
      fromKustomize.outputs,
    );
    for (const env of ENVIRONMENTS) {
      expect(kustomizeApps[env].spec.source.path).toBe(
        kustomize.outputs.overlays[env],
      );
    }

    const inRepo = await runAction(manifests, {
      name: 'cart',
      image: 'registry.shop.example/shop/cart',
      environments: ENVIRONMENTS,
      format: 'helm',
      chart: { path: 'charts/web-service' },
    });
    const fromRepoChart = await runAction(action, {
      ...BASE_INPUT,
      helm: {
        chart: inRepo.outputs.chart,
        valueFiles: inRepo.outputs.valueFiles,
      },
    });
    const repoChartApps = await applications(
      fromRepoChart.workspacePath,
      fromRepoChart.outputs,
    );
    expect(repoChartApps.staging.spec.source).toEqual({
      repoURL: 'https://github.com/acme/deploy.git',
      targetRevision: 'main',
      path: 'charts/web-service',
      helm: {
        releaseName: 'cart',
        // Relative to the chart folder, as Argo CD reads them.
        valueFiles: [
          '../../cart/values.yaml',
          '../../cart/values-staging.yaml',
        ],
      },
    });

    const fromHelmRepo = await runAction(action, {
      ...BASE_INPUT,
      helm: {
        chart: {
          repoURL: 'https://charts.acme.example',
          chart: 'web-service',
          version: '1.2.0',
        },
        valueFiles: inRepo.outputs.valueFiles,
      },
    });
    const helmRepoApps = await applications(
      fromHelmRepo.workspacePath,
      fromHelmRepo.outputs,
    );
    expect(helmRepoApps.production.spec.source).toBeUndefined();
    expect(helmRepoApps.production.spec.sources).toEqual([
      {
        repoURL: 'https://charts.acme.example',
        chart: 'web-service',
        targetRevision: '1.2.0',
        helm: {
          releaseName: 'cart',
          valueFiles: [
            '$values/cart/values.yaml',
            '$values/cart/values-production.yaml',
          ],
        },
      },
      {
        repoURL: 'https://github.com/acme/deploy.git',
        targetRevision: 'main',
        ref: 'values',
      },
    ]);
  });

  it('writes the same files in a dry run, for the template editor to show', async () => {
    const dry = await runAction(action, BASE_INPUT, { dryRun: true });
    const real = await runAction(action, BASE_INPUT);
    expect(dry.outputs.files).toHaveLength(3);
    expect(await snapshotFolder(dry.workspacePath)).toEqual(
      await snapshotFolder(real.workspacePath),
    );
  });

  const bad: Array<[string, Record<string, unknown>, RegExp]> = [
    ['no repoURL', { repoURL: undefined }, /^repoURL: /],
    ['an unknown environment', { environments: ['qa'] }, /^environments: "qa"/],
    ['an invalid name', { name: 'Cart' }, /^name: /],
    [
      'a path leaving the workspace',
      { path: '../{env}/{service}.yaml' },
      /^path: /,
    ],
    [
      'a path that is no YAML file',
      { path: 'argocd/{env}/{service}' },
      /^path: /,
    ],
    [
      'a path without {env}',
      { path: 'argocd/{service}.yaml' },
      /^path: two generated files/,
    ],
    [
      'an unknown placeholder',
      { nameTemplate: '{team}-{env}' },
      /^nameTemplate: /,
    ],
    [
      'automated for an unlisted environment',
      { automated: { qa: true } },
      /^automated\.qa: /,
    ],
    [
      'a destination with both keys',
      { destination: { server: 'x', name: 'y' } },
      /^destination/,
    ],
    ['a bad sync option', { syncOptions: ['Prune'] }, /^syncOptions\.0: /],
    [
      'helm without value files',
      { helm: { chart: { path: 'c' }, valueFiles: [] } },
      /^helm\.valueFiles: /,
    ],
    [
      'an invalid environment label',
      { environmentLabel: 'a b' },
      /^environmentLabel: /,
    ],
  ];

  it.each(bad)('refuses %s, writing nothing', async (_, change, message) => {
    const seeded = await runAction(action, { ...BASE_INPUT, name: 'seed' });
    const before = await snapshotFolder(seeded.workspacePath);
    const attempt = runAction(
      action,
      { ...BASE_INPUT, ...change },
      { workspacePath: seeded.workspacePath },
    );
    await expect(attempt).rejects.toMatchObject({ name: 'InputError' });
    await expect(attempt).rejects.toThrow(message);
    expect(await snapshotFolder(seeded.workspacePath)).toEqual(before);
  });

  it('refuses to replace an existing Application unless overwrite is set', async () => {
    const first = await runAction(action, BASE_INPUT);
    const again = runAction(action, BASE_INPUT, {
      workspacePath: first.workspacePath,
    });
    await expect(again).rejects.toThrow(
      /^overwrite: argocd\/dev\/cart\.yaml, argocd\/staging\/cart\.yaml, argocd\/production\/cart\.yaml already exist/,
    );
    await runAction(
      action,
      { ...BASE_INPUT, overwrite: true, targetRevision: 'v2' },
      { workspacePath: first.workspacePath },
    );
    expect(
      await readFile(join(first.workspacePath, 'argocd/dev/cart.yaml'), 'utf8'),
    ).toContain('targetRevision: v2');
  });
});
