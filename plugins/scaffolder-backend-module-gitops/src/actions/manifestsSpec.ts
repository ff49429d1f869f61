import { InputError } from '@backstage/errors';
import { Environment } from '@shipdeck/plugin-gitops-common';
import {
  checkDnsLabel,
  checkEnvName,
  checkImageRepository,
  checkImageTag,
  checkLabelKey,
  checkPinnedImage,
  parseQuantity,
  renderName,
  renderPathTemplate,
} from '../generate/validate';
import {
  CanaryStep,
  ChartRef,
  Hpa,
  Layout,
  Migration,
  MigrationProxy,
  ResourceList,
  Resources,
  ServiceEnvironment,
  ServiceSpec,
  Workload,
} from '../generate/types';
import { DEFAULT_CANARY_STEPS } from '../generate/workload';
import { checkEnvironmentKeys, selectEnvironments } from './environments';

type Scalar = string | number | boolean;
type Quantities = { cpu?: string | number; memory?: string | number };
type ExternalHpa = Extract<Hpa, { kind: 'external' }>;
/** As the input has it: the target may be a number, and it may name environments. */
type Autoscaling = (
  | Exclude<Hpa, ExternalHpa>
  | (Omit<ExternalHpa, 'targetAverageValue'> & {
      targetAverageValue: string | number;
    })
) & { environments?: string[] };

/** The input of gitops:manifests:create after its schema's checks and defaults. */
export interface ManifestsInput {
  name: string;
  image: string;
  version: string;
  port: number;
  service: boolean;
  environments: string[];
  format: 'kustomize' | 'helm';
  targetPath: string;
  basePath: string;
  overlayPath: string;
  valuesPath: string;
  commonValuesPath: string;
  chart?: ChartRef;
  namespace: string;
  environmentLabel: string;
  replicas?: number | Record<string, number>;
  resources?: { requests?: Quantities; limits?: Quantities };
  env: Record<string, Scalar>;
  config: Record<string, Scalar>;
  readinessPath: string;
  livenessPath: string;
  startupProbe?: {
    path?: string;
    failureThreshold: number;
    periodSeconds: number;
  };
  preStopSeconds: number;
  shutdownSeconds: number;
  podDisruptionBudget?: boolean | Record<string, boolean>;
  hpa?: Autoscaling;
  workload:
    | { kind: 'Deployment' }
    | {
        kind: 'Rollout';
        strategy: 'blueGreen' | 'canary';
        canarySteps?: CanaryStep[];
        scaleDownDelaySeconds: number;
      };
  migration?: Omit<Migration, 'proxy'> & { proxy?: MigrationProxy };
  overwrite: boolean;
}

const DEFAULT_RESOURCES: Resources = {
  requests: { cpu: '100m', memory: '128Mi' },
  limits: { memory: '256Mi' },
};

function resourceList(
  list: Record<string, string | number | undefined> | undefined,
  field: string,
): ResourceList | undefined {
  if (!list) return undefined;
  const result: ResourceList = {};
  for (const key of ['cpu', 'memory'] as const) {
    const value = list[key];
    if (value === undefined) continue;
    const text = String(value);
    parseQuantity(text, `${field}.${key}`);
    result[key] = text;
  }
  return result;
}

/** Defaults for whatever is not given; the API server rejects requests above limits, so this does first. */
function resources(input: ManifestsInput['resources']): Resources {
  const requests =
    resourceList(input?.requests, 'resources.requests') ??
    DEFAULT_RESOURCES.requests;
  const limits =
    resourceList(input?.limits, 'resources.limits') ?? DEFAULT_RESOURCES.limits;
  for (const key of ['cpu', 'memory'] as const) {
    const request = requests?.[key];
    const limit = limits?.[key];
    if (
      request !== undefined &&
      limit !== undefined &&
      parseQuantity(request, `resources.requests.${key}`) >
        parseQuantity(limit, `resources.limits.${key}`)
    ) {
      throw new InputError(
        `resources.requests.${key}: ${request} is more than the limit ${limit}`,
      );
    }
  }
  return {
    ...(requests && Object.keys(requests).length > 0 && { requests }),
    ...(limits && Object.keys(limits).length > 0 && { limits }),
  };
}

function stringMap(
  map: Record<string, string | number | boolean>,
  field: string,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(map).map(([key, value]) => [
      checkEnvName(key, `${field}.${key}`),
      String(value),
    ]),
  );
}

function httpPath(value: string, field: string): string {
  if (!value.startsWith('/') || /\s/.test(value)) {
    throw new InputError(
      `${field}: "${value}" is not an HTTP path; it starts with "/" and has no spaces`,
    );
  }
  return value;
}

function workload(input: ManifestsInput): Workload {
  const given = input.workload;
  if (given.kind === 'Deployment') return given;
  if (given.strategy === 'blueGreen') {
    if (!input.service) {
      throw new InputError(
        'workload: blue-green switches the Service between versions, so it needs service: true',
      );
    }
    return {
      kind: 'Rollout',
      strategy: 'blueGreen',
      scaleDownDelaySeconds: given.scaleDownDelaySeconds,
    };
  }
  const steps = given.canarySteps ?? DEFAULT_CANARY_STEPS;
  steps.forEach((step, index) => {
    const field = `workload.canarySteps.${index}`;
    if ((step.setWeight === undefined) === (step.pause === undefined)) {
      throw new InputError(
        `${field}: a step is either { setWeight } or { pause }`,
      );
    }
    const duration = step.pause?.duration;
    if (duration !== undefined && !/^\d+(s|m|h)?$/.test(duration)) {
      throw new InputError(
        `${field}.pause.duration: "${duration}" is not a duration such as 60s, 5m or 1h`,
      );
    }
  });
  if (steps.length === 0) {
    throw new InputError('workload.canarySteps: give at least one step');
  }
  return { kind: 'Rollout', strategy: 'canary', canarySteps: steps };
}

function migration(input: ManifestsInput): Migration | undefined {
  const given = input.migration;
  if (!given) return undefined;
  if (!given.command && !given.args) {
    throw new InputError(
      'migration: give command or args; the image’s default command starts the app, not the migration',
    );
  }
  if (given.envFromSecret !== undefined) {
    checkDnsLabel(given.envFromSecret, 'migration.envFromSecret');
  }
  const proxy = given.proxy;
  if (proxy) checkPinnedImage(proxy.image, 'migration.proxy.image');
  return {
    ...(given.command && { command: given.command }),
    ...(given.args && { args: given.args }),
    ...(given.envFromSecret && { envFromSecret: given.envFromSecret }),
    backoffLimit: given.backoffLimit,
    activeDeadlineSeconds: given.activeDeadlineSeconds,
    ...(proxy && { proxy }),
  };
}

function hpa(
  input: ManifestsInput,
  environments: Environment[],
): { hpa?: Hpa; environments: string[] } {
  const given = input.hpa;
  if (!given) return { environments: [] };
  if (given.maxReplicas < given.minReplicas) {
    throw new InputError(
      `hpa.maxReplicas: ${given.maxReplicas} is below minReplicas ${given.minReplicas}`,
    );
  }
  const names = given.environments ?? environments.map(env => env.name);
  checkEnvironmentKeys(
    Object.fromEntries(names.map(name => [name, true])),
    environments,
    'hpa.environments',
  );
  const { environments: _, ...rest } = given;
  if (rest.kind === 'cpu') return { hpa: rest, environments: names };
  const target = String(rest.targetAverageValue);
  parseQuantity(target, 'hpa.targetAverageValue');
  return {
    hpa: { ...rest, targetAverageValue: target },
    environments: names,
  };
}

/** Shipdeck's helm-values strategy edits one YAML file. */
function yamlPath(path: string, field: string): string {
  if (!/\.ya?ml$/.test(path)) {
    throw new InputError(`${field}: "${path}" must name a .yaml file`);
  }
  return path;
}

function layout(input: ManifestsInput, service: string): Layout {
  if (input.format === 'kustomize') {
    if (input.chart) {
      throw new InputError('chart: only used with format: helm');
    }
    return {
      format: 'kustomize',
      basePath: renderPathTemplate(input.basePath, { service }, 'basePath'),
    };
  }
  const chart: ChartRef | undefined = input.chart;
  if (!chart) {
    throw new InputError(
      'chart: format helm needs the chart the values are for, { path } in the manifest repository or { repoURL, chart, version }',
    );
  }
  if ('path' in chart)
    renderPathTemplate(chart.path, { service }, 'chart.path');
  return {
    format: 'helm',
    commonValuesPath: yamlPath(
      renderPathTemplate(
        input.commonValuesPath,
        { service },
        'commonValuesPath',
      ),
      'commonValuesPath',
    ),
    chart,
  };
}

/** Longer names derived from the service name must fit too. */
function checkDerivedNames(spec: Omit<ServiceSpec, 'environments'>) {
  const derived = [
    ...(spec.workload.kind === 'Rollout' &&
    spec.workload.strategy === 'blueGreen'
      ? [`${spec.name}-preview`]
      : []),
    ...(spec.migration ? [`${spec.name}-migrate`] : []),
    ...(Object.keys(spec.config).length > 0 ? [`${spec.name}-config`] : []),
  ];
  for (const name of derived) {
    if (name.length > 63) {
      throw new InputError(
        `name: "${spec.name}" is too long; the generated name ${name} exceeds 63 characters`,
      );
    }
  }
}

/**
 * Turns the action's input into the generators' spec: every value checked,
 * every default applied, everything per environment resolved. Pure; throws
 * an InputError naming the field at the first bad value.
 */
export function resolveServiceSpec(
  input: ManifestsInput,
  configured: Environment[],
): ServiceSpec {
  const name = checkDnsLabel(input.name, 'name');
  const environments = selectEnvironments(input.environments, configured);
  const startup = input.startupProbe;
  const common: Omit<ServiceSpec, 'environments'> = {
    name,
    image: checkImageRepository(input.image, 'image'),
    version: checkImageTag(input.version, 'version'),
    port: input.port,
    service: input.service,
    env: stringMap(input.env, 'env'),
    config: stringMap(input.config, 'config'),
    resources: resources(input.resources),
    readinessPath: httpPath(input.readinessPath, 'readinessPath'),
    livenessPath: httpPath(input.livenessPath, 'livenessPath'),
    ...(startup && {
      startupProbe: {
        path: httpPath(startup.path ?? input.livenessPath, 'startupProbe.path'),
        failureThreshold: startup.failureThreshold,
        periodSeconds: startup.periodSeconds,
      },
    }),
    preStopSeconds: input.preStopSeconds,
    shutdownSeconds: input.shutdownSeconds,
    workload: workload(input),
    migration: migration(input),
    environmentLabel: checkLabelKey(input.environmentLabel, 'environmentLabel'),
    layout: layout(input, name),
  };
  checkDerivedNames(common);

  const replicas = input.replicas;
  const replicaMap = typeof replicas === 'object' ? replicas : undefined;
  checkEnvironmentKeys(replicaMap, environments, 'replicas');
  const pdb = input.podDisruptionBudget;
  const pdbMap = typeof pdb === 'object' ? pdb : undefined;
  checkEnvironmentKeys(pdbMap, environments, 'podDisruptionBudget');
  const autoscaled = hpa(input, environments);

  const perEnvironment = environments.map((env): ServiceEnvironment => {
    const envHpa = autoscaled.environments.includes(env.name)
      ? autoscaled.hpa
      : undefined;
    if (envHpa && replicaMap?.[env.name] !== undefined) {
      throw new InputError(
        `replicas.${env.name}: ${env.name} is autoscaled by hpa; set hpa.minReplicas instead`,
      );
    }
    const fixed =
      replicaMap?.[env.name] ??
      (typeof replicas === 'number' ? replicas : undefined) ??
      (env.protected ? 2 : 1);
    const least = envHpa ? envHpa.minReplicas : fixed;
    const pathField =
      input.format === 'kustomize' ? 'overlayPath' : 'valuesPath';
    // Paths spell the environment as the backend reads them (its pathName).
    const path = renderPathTemplate(
      input[pathField],
      { service: name, env: env.pathName ?? env.name },
      pathField,
    );
    return {
      name: env.name,
      protected: env.protected,
      namespace: renderName(
        input.namespace,
        { service: name, env: env.name },
        'namespace',
      ),
      replicas: fixed,
      ...(envHpa && { hpa: envHpa }),
      podDisruptionBudget:
        pdbMap?.[env.name] ?? (typeof pdb === 'boolean' ? pdb : least > 1),
      path: input.format === 'helm' ? yamlPath(path, pathField) : path,
    };
  });
  return { ...common, environments: perEnvironment };
}
