import {
  containerSecurityContext,
  podSecurityContext,
  preStop,
  probes,
  terminationGracePeriodSeconds,
} from './podTemplate';
import { SERVICE_PORT } from './service';
import { GeneratedFile, Hpa, ServiceEnvironment, ServiceSpec } from './types';
import {
  BASE_REPLICAS,
  DEPLOYMENT_STRATEGY,
  rolloutStrategy,
} from './workload';
import { migrationJobName } from './migrationJob';
import { yamlDocument, yamlFile, YamlPath } from './yamlDocument';

/** The key Shipdeck's helm-values strategy edits to deploy. */
export const HELM_WRITE_KEY = 'image.tag';

const MIGRATION_HOOK = {
  'argocd.argoproj.io/hook': 'PreSync',
  'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation',
  'argocd.argoproj.io/sync-wave': '-1',
};

function rollout(spec: ServiceSpec) {
  const workload = spec.workload;
  return workload.kind === 'Deployment'
    ? { enabled: false }
    : { enabled: true, strategy: rolloutStrategy(spec, workload) };
}

function migration(spec: ServiceSpec) {
  const m = spec.migration;
  if (!m) return { enabled: false };
  return {
    enabled: true,
    name: migrationJobName(spec),
    ...(m.command && { command: m.command }),
    ...(m.args && { args: m.args }),
    ...(m.envFromSecret && { envFromSecret: m.envFromSecret }),
    backoffLimit: m.backoffLimit,
    activeDeadlineSeconds: m.activeDeadlineSeconds,
    annotations: MIGRATION_HOOK,
    ...(m.proxy && { proxy: m.proxy }),
  };
}

/** Values every environment shares, in the keys `helm create` charts use. */
export function commonValues(spec: ServiceSpec) {
  const lifecycle = preStop(spec);
  return {
    replicaCount: BASE_REPLICAS,
    image: { repository: spec.image, pullPolicy: 'IfNotPresent' },
    containerPort: spec.port,
    service: {
      enabled: spec.service,
      type: 'ClusterIP',
      port: SERVICE_PORT,
    },
    env: spec.env,
    config: spec.config,
    resources: spec.resources,
    ...probes(spec),
    ...(lifecycle && { lifecycle }),
    terminationGracePeriodSeconds: terminationGracePeriodSeconds(spec),
    podSecurityContext: podSecurityContext(),
    securityContext: containerSecurityContext(),
    strategy: DEPLOYMENT_STRATEGY,
    rollout: rollout(spec),
    autoscaling: { enabled: false },
    podDisruptionBudget: { enabled: false, maxUnavailable: 1 },
    migration: migration(spec),
  };
}

function autoscaling(hpa: Hpa) {
  const common = {
    enabled: true,
    minReplicas: hpa.minReplicas,
    maxReplicas: hpa.maxReplicas,
  };
  if (hpa.kind === 'cpu') {
    return {
      ...common,
      targetCPUUtilizationPercentage: hpa.targetCPUUtilizationPercentage,
    };
  }
  return {
    ...common,
    metrics: [
      {
        type: 'External',
        external: {
          metric: {
            name: hpa.metricName,
            ...(hpa.selector && { selector: hpa.selector }),
          },
          target: {
            type: 'AverageValue',
            averageValue: hpa.targetAverageValue,
          },
        },
      },
    ],
  };
}

/** What one environment overrides; its image.tag is what a deployment edits. */
export function environmentValues(spec: ServiceSpec, env: ServiceEnvironment) {
  const workload = spec.workload;
  return {
    image: { tag: spec.version },
    ...(env.hpa
      ? { autoscaling: autoscaling(env.hpa) }
      : { replicaCount: env.replicas }),
    ...(env.podDisruptionBudget && { podDisruptionBudget: { enabled: true } }),
    ...(workload.kind === 'Rollout' &&
      workload.strategy === 'blueGreen' &&
      !env.protected && {
        rollout: { strategy: { blueGreen: { autoPromotionEnabled: true } } },
      }),
  };
}

export function helmValuesFiles(
  spec: ServiceSpec,
  commonValuesPath: string,
): GeneratedFile[] {
  const common: Array<readonly [YamlPath, string]> = [
    [
      [],
      `${spec.name} in every environment; values-<env>.yaml files override these.\nKeys follow the helm create convention; the chart renders them.`,
    ],
    [
      ['image'],
      'Each environment sets image.tag in its own values file; a deployment edits only that.',
    ],
    [['readinessProbe'], 'Probes on the named port "http" (containerPort).'],
    [
      ['terminationGracePeriodSeconds'],
      `preStop (${spec.preStopSeconds} s) plus the app's shutdown (${spec.shutdownSeconds} s), so in-flight requests finish.`,
    ],
    [['strategy'], 'Never go below the desired capacity during a rollout.'],
  ];
  if (spec.migration) {
    common.push([
      ['migration'],
      `A PreSync Job running image.repository:image.tag, so it moves with the app.${
        spec.migration.proxy
          ? '\nThe proxy runs as a native sidecar (initContainer, restartPolicy: Always).'
          : ''
      }`,
    ]);
  }
  return [
    {
      path: commonValuesPath,
      content: yamlFile([
        yamlDocument(commonValues(spec), { comments: common }),
      ]),
    },
    ...spec.environments.map(env => ({
      path: env.path,
      content: yamlFile([
        yamlDocument(environmentValues(spec, env), {
          comments: [
            [
              [],
              `${spec.name} in ${env.name}. Shipdeck deploys by changing image.tag below; nothing else.`,
            ],
          ],
          quoted: [['image', 'tag']],
        }),
      ]),
    })),
  ];
}
