import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
// Shipdeck's own edit code (not exported), to prove it can deploy what is
// generated; tests only.
// eslint-disable-next-line @backstage/no-forbidden-package-imports
import {
  readVersion,
  writeVersion,
} from '@shipdeck/plugin-gitops-backend/src/manifests/strategies';
import {
  runAction,
  snapshotFolder,
  startGitopsBackend,
} from '../__testUtils__/gitopsBackend';
import {
  KubeObject,
  kustomizeBuild,
  only,
  validateObject,
} from '../__testUtils__/kubernetes';
import {
  mergeValues,
  renderReferenceChart,
} from '../__testUtils__/referenceChart';
import { createGitopsManifestsCreateAction } from './gitopsManifestsCreate';

jest.setTimeout(120_000);

const IMAGE = 'registry.shop.example/shop/cart';
const VERSION = '1.4.0';
const ENVIRONMENTS = ['dev', 'staging', 'production'];
const BASE_INPUT = {
  name: 'cart',
  image: IMAGE,
  version: VERSION,
  port: 8080,
  environments: ENVIRONMENTS,
};

let backend: Awaited<ReturnType<typeof startGitopsBackend>>;
let action: ReturnType<typeof createGitopsManifestsCreateAction>;

beforeAll(async () => {
  backend = await startGitopsBackend();
  action = createGitopsManifestsCreateAction(backend.options);
});

afterAll(async () => {
  await backend?.stop();
});

const WORKLOADS = {
  deployment: { kind: 'Deployment' },
  blueGreen: { kind: 'Rollout', strategy: 'blueGreen' },
  canary: { kind: 'Rollout', strategy: 'canary' },
} as const;

const HPAS = {
  none: undefined,
  cpu: {
    kind: 'cpu',
    minReplicas: 2,
    maxReplicas: 6,
    targetCPUUtilizationPercentage: 60,
    environments: ['staging', 'production'],
  },
  external: {
    kind: 'external',
    minReplicas: 3,
    maxReplicas: 12,
    metricName: 'queue_messages_ready',
    selector: { matchLabels: { queue: 'cart' } },
    targetAverageValue: '30',
  },
} as const;

const PROXY = {
  image: 'gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.14.0',
  args: ['--port=5432', 'shop:europe-west1:cart'],
  port: 5432,
};

const MIGRATIONS = {
  none: undefined,
  plain: { args: ['migrate', 'up'], envFromSecret: 'cart-db' },
  proxy: { command: ['/app/migrate'], envFromSecret: 'cart-db', proxy: PROXY },
} as const;

type Case = {
  workload: keyof typeof WORKLOADS;
  hpa: keyof typeof HPAS;
  migration: keyof typeof MIGRATIONS;
};

const MATRIX: Case[] = (Object.keys(WORKLOADS) as Case['workload'][]).flatMap(
  workload =>
    (Object.keys(HPAS) as Case['hpa'][]).flatMap(hpa =>
      (Object.keys(MIGRATIONS) as Case['migration'][]).map(migration => ({
        workload,
        hpa,
        migration,
      })),
    ),
);

function inputFor(c: Case, extra: Record<string, unknown> = {}) {
  return {
    ...BASE_INPUT,
    workload: WORKLOADS[c.workload],
    ...(HPAS[c.hpa] && { hpa: HPAS[c.hpa] }),
    ...(MIGRATIONS[c.migration] && { migration: MIGRATIONS[c.migration] }),
    env: { PORT: 8080, FEATURE_X: true },
    config: { LOG_LEVEL: 'info', GREETING: '"hello"' },
    ...extra,
  };
}

/** What the HPA of a case is for an environment, if any. */
function hpaIn(c: Case, env: string) {
  const hpa = HPAS[c.hpa];
  if (!hpa) return undefined;
  const envs: readonly string[] =
    'environments' in hpa ? hpa.environments : ENVIRONMENTS;
  return envs.includes(env) ? hpa : undefined;
}

function expectedReplicas(env: string) {
  return env === 'production' ? 2 : 1;
}

/** The lines of `after` that differ from `before`, which has as many. */
function changedLines(before: string, after: string): string[] {
  const old = before.split('\n');
  const lines = after.split('\n');
  expect(lines).toHaveLength(old.length);
  return lines.filter((line, i) => line !== old[i]);
}

function podOf(workload: KubeObject) {
  return workload.spec.template.spec;
}

function checkContainer(pod: any) {
  const [app] = pod.containers;
  expect(app.image).toBe(`${IMAGE}:${VERSION}`);
  expect(app.ports).toEqual([
    { name: 'http', containerPort: 8080, protocol: 'TCP' },
  ]);
  for (const probe of [app.readinessProbe, app.livenessProbe]) {
    expect(probe.httpGet.port).toBe('http');
  }
  expect(app.readinessProbe.httpGet.path).toBe('/healthz/ready');
  expect(app.livenessProbe.httpGet.path).toBe('/healthz/live');
  // Endpoints drain during the preStop sleep; the rest is the app's shutdown.
  const sleep = Number(app.lifecycle.preStop.exec.command[1]);
  expect(app.lifecycle.preStop.exec.command[0]).toBe('sleep');
  expect(sleep).toBe(10);
  expect(pod.terminationGracePeriodSeconds).toBe(sleep + 20);
  expect(app.env).toEqual([
    { name: 'PORT', value: '8080' },
    { name: 'FEATURE_X', value: 'true' },
  ]);
}

function checkStrategy(c: Case, workload: KubeObject, env: string) {
  const strategy = workload.spec.strategy;
  if (c.workload === 'deployment') {
    expect(workload.kind).toBe('Deployment');
    expect(strategy.type).toBe('RollingUpdate');
    expect(strategy.rollingUpdate.maxUnavailable).toBe(0);
    expect(strategy.rollingUpdate.maxSurge).toBe(1);
  } else if (c.workload === 'canary') {
    expect(workload.kind).toBe('Rollout');
    expect(strategy.canary.maxUnavailable).toBe(0);
    expect(strategy.canary.steps[0]).toEqual({ setWeight: 20 });
    expect(strategy.canary.steps).toContainEqual({
      pause: { duration: '60s' },
    });
  } else {
    expect(workload.kind).toBe('Rollout');
    expect(strategy.blueGreen).toMatchObject({
      activeService: 'cart',
      previewService: 'cart-preview',
      // Protected environments wait for a person (or Shipdeck) to promote.
      autoPromotionEnabled: env !== 'production',
    });
    expect(strategy.blueGreen.scaleDownDelaySeconds).toBeGreaterThan(0);
  }
}

function checkScaling(
  c: Case,
  objects: KubeObject[],
  workload: KubeObject,
  env: string,
) {
  const hpa = hpaIn(c, env);
  const hpas = objects.filter(o => o.kind === 'HorizontalPodAutoscaler');
  if (!hpa) {
    expect(hpas).toHaveLength(0);
    expect(workload.spec.replicas).toBe(expectedReplicas(env));
  } else {
    // The HPA owns the count; fixed replicas would be reset on every sync.
    expect(workload.spec.replicas).toBeUndefined();
    const [built] = hpas;
    expect(hpas).toHaveLength(1);
    expect(built.spec.scaleTargetRef).toEqual({
      apiVersion: workload.apiVersion,
      kind: workload.kind,
      name: workload.metadata.name,
    });
    expect(built.spec.minReplicas).toBe(hpa.minReplicas);
    expect(built.spec.maxReplicas).toBe(hpa.maxReplicas);
    const [metric] = built.spec.metrics;
    if (hpa.kind === 'cpu') {
      expect(metric.resource).toEqual({
        name: 'cpu',
        target: { type: 'Utilization', averageUtilization: 60 },
      });
    } else {
      expect(metric.external.metric).toEqual({
        name: 'queue_messages_ready',
        selector: { matchLabels: { queue: 'cart' } },
      });
      expect(metric.external.target).toEqual({
        type: 'AverageValue',
        averageValue: '30',
      });
    }
  }
  const least = hpa ? hpa.minReplicas : expectedReplicas(env);
  const pdbs = objects.filter(o => o.kind === 'PodDisruptionBudget');
  expect(pdbs).toHaveLength(least > 1 ? 1 : 0);
  for (const pdb of pdbs) {
    expect(pdb.spec.maxUnavailable).toBe(1);
    expect(pdb.spec.selector.matchLabels).toEqual(
      workload.spec.selector.matchLabels,
    );
  }
}

function checkServices(c: Case, objects: KubeObject[], workload: KubeObject) {
  const names =
    c.workload === 'blueGreen' ? ['cart', 'cart-preview'] : ['cart'];
  const services = objects.filter(o => o.kind === 'Service');
  expect(services.map(s => s.metadata.name).sort()).toEqual(names);
  for (const service of services) {
    expect(service.spec.ports).toEqual([
      { name: 'http', port: 80, targetPort: 'http' },
    ]);
    expect(service.spec.selector).toEqual(workload.spec.selector.matchLabels);
  }
}

function checkConfig(objects: KubeObject[], workload: KubeObject) {
  const config = only(objects, 'ConfigMap');
  // Hash-suffixed, and the reference renamed with it (Rollouts too).
  expect(config.metadata.name).toMatch(/^cart-config-[a-z0-9]+$/);
  expect(podOf(workload).containers[0].envFrom).toEqual([
    { configMapRef: { name: config.metadata.name } },
  ]);
  expect(config.data).toEqual({ LOG_LEVEL: 'info', GREETING: '"hello"' });
}

function checkMigration(c: Case, objects: KubeObject[], workload: KubeObject) {
  const jobs = objects.filter(o => o.kind === 'Job');
  if (c.migration === 'none') {
    expect(jobs).toHaveLength(0);
    return;
  }
  const job = only(objects, 'Job', 'cart-migrate');
  expect(job.metadata.annotations).toMatchObject({
    'argocd.argoproj.io/hook': 'PreSync',
    'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation',
    'argocd.argoproj.io/sync-wave': '-1',
  });
  expect(job.spec.backoffLimit).toBe(1);
  expect(job.spec.activeDeadlineSeconds).toBe(600);
  const pod = job.spec.template.spec;
  expect(pod.restartPolicy).toBe('Never');
  const [migrate] = pod.containers;
  // The same repository and tag as the app: one images: entry moves both.
  expect(migrate.image).toBe(podOf(workload).containers[0].image);
  expect(migrate.envFrom).toEqual([{ secretRef: { name: 'cart-db' } }]);
  // Hooks run before the sync creates the ConfigMap.
  expect(JSON.stringify(migrate)).not.toContain('cart-config');
  // Its pods must not receive the Service's traffic.
  const labels = job.spec.template.metadata.labels;
  const selector = workload.spec.selector.matchLabels;
  expect(Object.entries(selector).every(([k, v]) => labels[k] === v)).toBe(
    false,
  );
  if (c.migration === 'proxy') {
    expect(pod.initContainers).toHaveLength(1);
    const [proxy] = pod.initContainers;
    expect(proxy.image).toBe(PROXY.image);
    expect(proxy.args).toEqual(PROXY.args);
    // Native sidecar: the Job completes when the migration exits.
    expect(proxy.restartPolicy).toBe('Always');
    expect(proxy.startupProbe.tcpSocket.port).toBe(5432);
    expect(migrate.command).toEqual(['/app/migrate']);
  } else {
    expect(pod.initContainers).toBeUndefined();
    expect(migrate.args).toEqual(['migrate', 'up']);
  }
}

/** Validates every object and checks what kustomize and Helm share; the workload. */
function checkObjects(c: Case, objects: KubeObject[], env: string) {
  objects.forEach(validateObject);
  const workload = only(
    objects,
    c.workload === 'deployment' ? 'Deployment' : 'Rollout',
    'cart',
  );
  checkContainer(podOf(workload));
  checkStrategy(c, workload, env);
  checkScaling(c, objects, workload, env);
  checkServices(c, objects, workload);
  return workload;
}

describe('gitops:manifests:create (kustomize)', () => {
  it.each(MATRIX)(
    'workload $workload, hpa $hpa, migration $migration: every overlay builds into valid, safe objects',
    async c => {
      const { workspacePath, outputs } = await runAction(action, inputFor(c));
      expect(outputs.writeStrategy).toBe('kustomize-images');
      expect(outputs.manifestPath).toBe('cart/overlays/{env}');
      expect(outputs.image).toBe(IMAGE);
      expect(outputs.overlays).toEqual({
        dev: 'cart/overlays/dev',
        staging: 'cart/overlays/staging',
        production: 'cart/overlays/production',
      });
      const builds = await Promise.all(
        ENVIRONMENTS.map(env =>
          kustomizeBuild(join(workspacePath, outputs.overlays[env])),
        ),
      );
      ENVIRONMENTS.forEach((env, index) => {
        const objects = builds[index];
        const workload = checkObjects(c, objects, env);
        for (const object of objects) {
          expect(object.metadata.namespace).toBe(`cart-${env}`);
          expect(object.metadata.labels['shipdeck.io/environment']).toBe(env);
        }
        checkConfig(objects, workload);
        checkMigration(c, objects, workload);
      });
    },
  );
});

describe('gitops:manifests:create: Shipdeck can deploy what it generates', () => {
  it.each([
    { workload: 'deployment', hpa: 'none', migration: 'proxy' },
    { workload: 'blueGreen', hpa: 'cpu', migration: 'plain' },
  ] as Case[])(
    'workload $workload: a deployment changes one line of the overlay, and app and migration run the new tag',
    async c => {
      const { workspacePath, outputs } = await runAction(action, inputFor(c));
      for (const env of ENVIRONMENTS) {
        const file = join(
          workspacePath,
          outputs.overlays[env],
          'kustomization.yaml',
        );
        const before = await readFile(file, 'utf8');
        const target = {
          file: `${outputs.overlays[env]}/kustomization.yaml`,
          strategy: outputs.writeStrategy,
          image: outputs.image,
        };
        expect(readVersion(before, target)).toBe(VERSION);
        const result = writeVersion(before, target, '1.5.0');
        expect(result.previous).toBe(VERSION);
        expect(changedLines(before, result.content)).toEqual([
          '    newTag: "1.5.0"',
        ]);
        await writeFile(file, result.content);

        const objects = await kustomizeBuild(
          join(workspacePath, outputs.overlays[env]),
        );
        const images = objects.flatMap(o => {
          const pod = o.spec?.template?.spec;
          return [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])]
            .map((container: any) => container.image)
            .filter((image: string) => image.startsWith(IMAGE));
        });
        expect(images).toEqual(
          c.migration === 'none'
            ? [`${IMAGE}:1.5.0`]
            : [`${IMAGE}:1.5.0`, `${IMAGE}:1.5.0`],
        );
      }
    },
  );
});

describe('gitops:manifests:create: defaults and layout', () => {
  it('needs only name, image and environments', async () => {
    const { workspacePath, outputs } = await runAction(action, {
      name: 'orders',
      image: 'localhost:5000/shop/orders',
      environments: ['dev', 'production'],
    });
    expect(outputs.files).toEqual([
      'orders/base/kustomization.yaml',
      'orders/base/deployment.yaml',
      'orders/base/service.yaml',
      'orders/overlays/dev/kustomization.yaml',
      'orders/overlays/production/kustomization.yaml',
      'orders/overlays/production/pdb.yaml',
    ]);
    expect(outputs.writeKey).toBeUndefined();
    const dev = await kustomizeBuild(
      join(workspacePath, 'orders/overlays/dev'),
    );
    const prod = await kustomizeBuild(
      join(workspacePath, 'orders/overlays/production'),
    );
    [...dev, ...prod].forEach(validateObject);
    expect(dev.map(o => o.kind).sort()).toEqual(['Deployment', 'Service']);
    const deployment = only(prod, 'Deployment');
    expect(deployment.spec.replicas).toBe(2);
    expect(only(dev, 'Deployment').spec.replicas).toBe(1);
    const [app] = podOf(deployment).containers;
    expect(app.image).toBe('localhost:5000/shop/orders:latest');
    expect(app.ports[0].containerPort).toBe(8080);
    expect(app.resources).toEqual({
      requests: { cpu: '100m', memory: '128Mi' },
      limits: { memory: '256Mi' },
    });
    expect(app.envFrom).toBeUndefined();
    expect(deployment.metadata.namespace).toBe('orders-production');
  });

  it('lays files out by the path templates, under targetPath, and builds', async () => {
    const { workspacePath, outputs } = await runAction(action, {
      ...BASE_INPUT,
      targetPath: 'deploy',
      basePath: 'apps/{service}',
      overlayPath: 'envs/{env}/{service}',
      namespace: 'shop-{env}',
      replicas: { dev: 0, staging: 3 },
      podDisruptionBudget: { production: false },
      startupProbe: { failureThreshold: 60 },
      resources: {
        requests: { cpu: 0.25, memory: '256Mi' },
        limits: { cpu: '1', memory: '1Gi' },
      },
      environmentLabel: 'shop.example/environment',
    });
    expect(outputs.manifestPath).toBe('envs/{env}/cart');
    expect(outputs.files).toContain('apps/cart/kustomization.yaml');
    const kustomization = parse(
      await readFile(
        join(workspacePath, 'deploy/envs/dev/cart/kustomization.yaml'),
        'utf8',
      ),
    );
    expect(kustomization.resources).toEqual(['../../../apps/cart']);
    const replicas: Record<string, number> = {
      dev: 0,
      staging: 3,
      production: 2,
    };
    for (const env of ENVIRONMENTS) {
      const objects = await kustomizeBuild(
        join(workspacePath, 'deploy', outputs.overlays[env]),
      );
      objects.forEach(validateObject);
      const deployment = only(objects, 'Deployment');
      expect(deployment.metadata.namespace).toBe(`shop-${env}`);
      expect(deployment.metadata.labels['shop.example/environment']).toBe(env);
      expect(deployment.spec.replicas).toBe(replicas[env]);
      expect(objects.some(o => o.kind === 'PodDisruptionBudget')).toBe(
        env === 'staging',
      );
      const [app] = podOf(deployment).containers;
      expect(app.startupProbe).toEqual({
        httpGet: { path: '/healthz/live', port: 'http' },
        periodSeconds: 5,
        failureThreshold: 60,
      });
      expect(app.livenessProbe.initialDelaySeconds).toBeUndefined();
      expect(app.resources.requests.cpu).toBe('0.25');
    }
  });

  it('writes the same files and outputs in a dry run (its workspace is a throwaway the template editor shows)', async () => {
    const input = { ...BASE_INPUT, workload: WORKLOADS.canary };
    const dry = await runAction(action, input, { dryRun: true });
    const real = await runAction(action, input);
    expect(await snapshotFolder(dry.workspacePath)).toEqual(
      await snapshotFolder(real.workspacePath),
    );
    expect(dry.outputs).toEqual(real.outputs);
  });

  it('refuses to replace existing files unless overwrite is set', async () => {
    const first = await runAction(action, BASE_INPUT);
    const overlay = join(
      first.workspacePath,
      'cart/overlays/dev/kustomization.yaml',
    );
    await writeFile(overlay, '# edited by hand\n');
    const before = await snapshotFolder(first.workspacePath);
    const again = runAction(action, BASE_INPUT, {
      workspacePath: first.workspacePath,
    });
    await expect(again).rejects.toMatchObject({ name: 'InputError' });
    await expect(again).rejects.toThrow(
      /^overwrite: .*cart\/overlays\/dev\/kustomization\.yaml/,
    );
    expect(await snapshotFolder(first.workspacePath)).toEqual(before);
    await runAction(
      action,
      { ...BASE_INPUT, overwrite: true },
      { workspacePath: first.workspacePath },
    );
    expect(await readFile(overlay, 'utf8')).toContain('newTag: "1.4.0"');
  });
});

describe('gitops:manifests:create: bad input is refused before anything is written', () => {
  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    ['an upper-case name', { name: 'Cart' }, /^name: /],
    ['a name starting with a digit', { name: '1cart' }, /^name: /],
    ['a name of 64 characters', { name: `c${'a'.repeat(63)}` }, /^name: .*63/],
    [
      'a name too long for the preview Service',
      { name: `c${'a'.repeat(58)}`, workload: WORKLOADS.blueGreen },
      /^name: .*-preview exceeds 63/,
    ],
    ['port 0', { port: 0 }, /^port: /],
    ['port 70000', { port: 70000 }, /^port: /],
    ['port "abc"', { port: 'abc' }, /^port: /],
    ['replicas -1', { replicas: -1 }, /^replicas: .*0/],
    ['replicas 1.5', { replicas: 1.5 }, /^replicas: .*integer/],
    [
      'replicas for an unlisted environment',
      { replicas: { qa: 2 } },
      /^replicas\.qa: /,
    ],
    [
      'replicas -1 in one environment',
      { replicas: { dev: -1 } },
      /^replicas\.dev: /,
    ],
    [
      'an unknown environment',
      { environments: ['dev', 'qa'] },
      /^environments: "qa".*dev, staging, production/,
    ],
    ['no environments', { environments: [] }, /^environments: /],
    [
      'an environment twice',
      { environments: ['dev', 'dev'] },
      /^environments: "dev" is listed twice/,
    ],
    [
      'an image with a tag',
      { image: 'registry.shop.example/shop/cart:1.2' },
      /^image: .*tag.*repository/,
    ],
    [
      'an image with a digest',
      { image: `registry.shop.example/shop/cart@sha256:${'a'.repeat(64)}` },
      /^image: .*digest.*repository/,
    ],
    [
      'an image with upper case',
      { image: 'registry.shop.example/Shop/cart' },
      /^image: /,
    ],
    ['a bad version', { version: '-x' }, /^version: /],
    [
      'a path template leaving the workspace',
      { overlayPath: '../{env}' },
      /^overlayPath: .*\.\./,
    ],
    ['an absolute base path', { basePath: '/etc/{service}' }, /^basePath: /],
    [
      'an unknown placeholder',
      { overlayPath: '{service}/{region}' },
      /^overlayPath: .*\{region\}/,
    ],
    [
      'an overlay path without {env}',
      { overlayPath: '{service}/overlay' },
      /^basePath, overlayPath: two generated files/,
    ],
    [
      'a targetPath outside the workspace',
      { targetPath: '../elsewhere' },
      /^targetPath: /,
    ],
    [
      'a namespace that is no name',
      { namespace: '{service}_{env}' },
      /^namespace: /,
    ],
    [
      'hpa max below min',
      { hpa: { kind: 'cpu', minReplicas: 4, maxReplicas: 2 } },
      /^hpa\.maxReplicas: /,
    ],
    [
      'hpa for an unlisted environment',
      {
        hpa: {
          kind: 'cpu',
          minReplicas: 1,
          maxReplicas: 2,
          environments: ['qa'],
        },
      },
      /^hpa\.environments\.qa: /,
    ],
    [
      'an unknown hpa kind',
      { hpa: { kind: 'memory', minReplicas: 1, maxReplicas: 2 } },
      /^hpa\.kind: /,
    ],
    [
      'replicas where hpa scales',
      {
        hpa: { kind: 'cpu', minReplicas: 1, maxReplicas: 2 },
        replicas: { production: 3 },
      },
      /^replicas\.production: .*hpa/,
    ],
    [
      'a bad quantity',
      { resources: { requests: { memory: '128 MB' } } },
      /^resources\.requests\.memory: /,
    ],
    [
      'requests above limits',
      {
        resources: { requests: { memory: '1Gi' }, limits: { memory: '256Mi' } },
      },
      /^resources\.requests\.memory: /,
    ],
    ['a bad env name', { env: { 'BAD NAME': 'x' } }, /^env\.BAD NAME: /],
    [
      'a probe path without /',
      { readinessPath: 'healthz' },
      /^readinessPath: /,
    ],
    [
      'blue-green without a Service',
      { workload: WORKLOADS.blueGreen, service: false },
      /^workload: /,
    ],
    [
      'a canary step with both keys',
      {
        workload: {
          kind: 'Rollout',
          strategy: 'canary',
          canarySteps: [{ setWeight: 10, pause: {} }],
        },
      },
      /^workload\.canarySteps\.0: /,
    ],
    [
      'a migration with nothing to run',
      { migration: { envFromSecret: 'db' } },
      /^migration: /,
    ],
    [
      'a proxy image without a tag',
      { migration: { args: ['up'], proxy: { image: 'gcr.io/x/proxy' } } },
      /^migration\.proxy\.image: /,
    ],
    ['helm without a chart', { format: 'helm' }, /^chart: /],
    ['a chart with kustomize', { chart: { path: 'charts/x' } }, /^chart: /],
    [
      'a values path that is no YAML file',
      { format: 'helm', chart: { path: 'c' }, valuesPath: '{service}/{env}' },
      /^valuesPath: /,
    ],
    ['an unknown input', { replica: 2 }, /^replica: unknown input/],
  ];

  it.each(cases)('%s', async (_, change, message) => {
    const ctxWorkspace = await runAction(action, {
      ...BASE_INPUT,
      name: 'seed',
      targetPath: 'seed',
    });
    const before = await snapshotFolder(ctxWorkspace.workspacePath);
    const attempt = runAction(
      action,
      { ...BASE_INPUT, ...change },
      { workspacePath: ctxWorkspace.workspacePath },
    );
    await expect(attempt).rejects.toMatchObject({ name: 'InputError' });
    await expect(attempt).rejects.toThrow(message);
    expect(await snapshotFolder(ctxWorkspace.workspacePath)).toEqual(before);
  });
});

describe('gitops:manifests:create (helm)', () => {
  it.each(MATRIX)(
    'workload $workload, hpa $hpa, migration $migration: the values render into valid, safe objects and image.tag deploys',
    async c => {
      const { workspacePath, outputs } = await runAction(
        action,
        inputFor(c, {
          format: 'helm',
          chart: {
            repoURL: 'https://charts.acme.example',
            chart: 'web-service',
            version: '1.2.0',
          },
        }),
      );
      expect(outputs).toMatchObject({
        writeStrategy: 'helm-values',
        writeKey: 'image.tag',
        manifestPath: 'cart/values-{env}.yaml',
        valueFiles: ['cart/values.yaml', 'cart/values-{env}.yaml'],
        chart: {
          repoURL: 'https://charts.acme.example',
          chart: 'web-service',
          version: '1.2.0',
        },
      });
      const common = parse(
        await readFile(join(workspacePath, 'cart/values.yaml'), 'utf8'),
      );
      for (const env of ENVIRONMENTS) {
        const file = outputs.overlays[env];
        expect(file).toBe(`cart/values-${env}.yaml`);
        const text = await readFile(join(workspacePath, file), 'utf8');
        const values = mergeValues(common, parse(text));
        const objects = renderReferenceChart('cart', values);
        const workload = checkObjects(c, objects, env);
        checkMigration(c, objects, workload);
        expect(only(objects, 'ConfigMap').data).toEqual({
          LOG_LEVEL: 'info',
          GREETING: '"hello"',
        });

        // Shipdeck's helm-values strategy: one line, and the render follows.
        const target = {
          file,
          strategy: outputs.writeStrategy,
          key: outputs.writeKey,
        };
        expect(readVersion(text, target)).toBe(VERSION);
        const result = writeVersion(text, target, '1.5.0');
        expect(changedLines(text, result.content)).toEqual(['  tag: "1.5.0"']);
        const redeployed = renderReferenceChart(
          'cart',
          mergeValues(common, parse(result.content)),
        );
        expect(podOf(only(redeployed, workload.kind)).containers[0].image).toBe(
          `${IMAGE}:1.5.0`,
        );
      }
    },
  );
});
