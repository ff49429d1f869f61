import { ManifestsInput } from './manifestsSpec';
import { FieldSchema } from './parseInput';
import { chartInput, serviceInputs } from './serviceInputs';

/*
 * The inputs of gitops:manifests:create. Path and namespace inputs are
 * templates with `{service}` (the name) and `{env}` (each environment).
 */

const positive = 'a whole number of at least 1';

type Zod = Parameters<FieldSchema>[0];

const quantities = (z: Zod, description: string) =>
  z
    .object({
      cpu: z
        .union([z.string(), z.number()])
        .optional()
        .describe('CPU, e.g. 100m or 0.5'),
      memory: z
        .union([z.string(), z.number()])
        .optional()
        .describe('Memory, e.g. 128Mi or 1Gi'),
    })
    .strict()
    .optional()
    .describe(description);

export const manifestsInput: Record<
  keyof ManifestsInput | 'targetPath' | 'overwrite',
  FieldSchema
> = {
  name: serviceInputs.name,
  image: z =>
    z
      .string()
      .describe(
        'Image repository without tag or digest, e.g. registry.shop.example/shop/cart; the overlays retag it per environment',
      ),
  version: z =>
    z
      .string()
      .default('latest')
      .describe('Image tag every environment starts with'),
  port: z =>
    z
      .number()
      .int()
      .min(1)
      .max(65535)
      .default(8080)
      .describe('Container port the app listens on (named "http")'),
  service: z =>
    z
      .boolean()
      .default(true)
      .describe('Create a ClusterIP Service on port 80 to the named port'),
  environments: serviceInputs.environments,
  format: z =>
    z
      .enum(['kustomize', 'helm'])
      .default('kustomize')
      .describe(
        'kustomize: a base and one overlay per environment; helm: values files for a chart',
      ),
  targetPath: serviceInputs.targetPath,
  basePath: z =>
    z
      .string()
      .default('{service}/base')
      .describe('kustomize: the base folder (template with {service})'),
  overlayPath: z =>
    z
      .string()
      .default('{service}/overlays/{env}')
      .describe(
        'kustomize: the overlay folder of each environment (template with {service} and {env})',
      ),
  valuesPath: z =>
    z
      .string()
      .default('{service}/values-{env}.yaml')
      .describe(
        'helm: the values file of each environment (template with {service} and {env})',
      ),
  commonValuesPath: z =>
    z
      .string()
      .default('{service}/values.yaml')
      .describe(
        'helm: the values file every environment shares (template with {service})',
      ),
  chart: z =>
    chartInput(z)
      .optional()
      .describe(
        'helm (required there): the chart the values are for, { path } in the manifest repository or { repoURL, chart, version }; passed on as the chart output for argocd:application:create',
      ),
  namespace: serviceInputs.namespace,
  environmentLabel: serviceInputs.environmentLabel,
  replicas: z =>
    z
      .union([z.number().int().min(0), z.record(z.number().int().min(0))])
      .optional()
      .describe(
        'Replicas everywhere, or a map environment → replicas; default 2 in protected environments and 1 elsewhere. Ignored where hpa scales',
      ),
  resources: z =>
    z
      .object({
        requests: quantities(z, 'Default { cpu: 100m, memory: 128Mi }'),
        limits: quantities(z, 'Default { memory: 256Mi }'),
      })
      .strict()
      .optional()
      .describe(
        'Container requests and limits; a given requests or limits replaces its default whole',
      ),
  env: z =>
    z
      .record(z.union([z.string(), z.number(), z.boolean()]))
      .default({})
      .describe(
        'Environment variables of the app (and the migration), name → value',
      ),
  config: z =>
    z
      .record(z.union([z.string(), z.number(), z.boolean()]))
      .default({})
      .describe(
        'Configuration key → value, in a ConfigMap <name>-config the app reads through envFrom',
      ),
  readinessPath: z =>
    z
      .string()
      .default('/healthz/ready')
      .describe(
        'HTTP path of the readiness probe: traffic only while it answers',
      ),
  livenessPath: z =>
    z
      .string()
      .default('/healthz/live')
      .describe(
        'HTTP path of the liveness probe: a restart when it stops answering',
      ),
  startupProbe: z =>
    z
      .object({
        path: z.string().optional().describe('HTTP path; default livenessPath'),
        failureThreshold: z
          .number()
          .int()
          .min(1)
          .default(30)
          .describe('Failed checks before the container restarts'),
        periodSeconds: z
          .number()
          .int()
          .min(1)
          .default(5)
          .describe('Seconds between checks'),
      })
      .strict()
      .optional()
      .describe(
        'A startup probe for slow starters: liveness waits until it passes (failureThreshold × periodSeconds at most)',
      ),
  preStopSeconds: z =>
    z
      .number()
      .int()
      .min(0)
      .max(300)
      .default(10)
      .describe(
        'Seconds a stopping pod keeps serving while the Service drops it (preStop sleep); 0 for none',
      ),
  shutdownSeconds: z =>
    z
      .number()
      .int()
      .min(1)
      .max(3600)
      .default(20)
      .describe(
        'Seconds the app gets after SIGTERM to finish; terminationGracePeriodSeconds is preStopSeconds + this',
      ),
  podDisruptionBudget: z =>
    z
      .union([z.boolean(), z.record(z.boolean())])
      .optional()
      .describe(
        'A PodDisruptionBudget (maxUnavailable 1), everywhere or per environment; default where more than one replica runs',
      ),
  hpa: z =>
    z
      .discriminatedUnion('kind', [
        z
          .object({
            kind: z.literal('cpu').describe('Scale on CPU utilisation'),
            minReplicas: z.number().int().min(1).describe(positive),
            maxReplicas: z.number().int().min(1).describe(positive),
            targetCPUUtilizationPercentage: z
              .number()
              .int()
              .min(1)
              .max(1000)
              .default(70)
              .describe('Average CPU utilisation to keep, % of the request'),
            environments: z
              .array(z.string())
              .optional()
              .describe('Environments to autoscale; default all'),
          })
          .strict(),
        z
          .object({
            kind: z.literal('external').describe('Scale on an external metric'),
            minReplicas: z.number().int().min(1).describe(positive),
            maxReplicas: z.number().int().min(1).describe(positive),
            metricName: z.string().min(1).describe('External metric name'),
            selector: z
              .object({
                matchLabels: z
                  .record(z.string())
                  .describe('Labels the metric series must have'),
              })
              .strict()
              .optional()
              .describe('Selects the metric series'),
            targetAverageValue: z
              .union([z.string(), z.number()])
              .describe(
                'Metric value per pod to keep, a quantity such as 30 or 500m',
              ),
            environments: z
              .array(z.string())
              .optional()
              .describe('Environments to autoscale; default all'),
          })
          .strict(),
      ])
      .nullable()
      .optional()
      .describe(
        'An autoscaling/v2 HorizontalPodAutoscaler for the workload; where it applies the overlays set no fixed replicas. Null or absent: none (templates switch it off with null)',
      ),
  workload: z =>
    z
      .discriminatedUnion('kind', [
        z
          .object({ kind: z.literal('Deployment').describe('A Deployment') })
          .strict(),
        z
          .object({
            kind: z.literal('Rollout').describe('An Argo Rollout'),
            strategy: z
              .enum(['blueGreen', 'canary'])
              .describe('blueGreen: preview then switch; canary: stepwise'),
            canarySteps: z
              .array(
                z
                  .object({
                    setWeight: z
                      .number()
                      .int()
                      .min(0)
                      .max(100)
                      .optional()
                      .describe('Share of the pods on the new version, %'),
                    pause: z
                      .object({
                        duration: z
                          .string()
                          .optional()
                          .describe(
                            'How long, e.g. 60s or 5m; none waits for promotion',
                          ),
                      })
                      .strict()
                      .optional()
                      .describe('Wait before the next step'),
                  })
                  .strict(),
              )
              .optional()
              .describe(
                'canary: steps, each { setWeight } or { pause: { duration } }; default 20%, 50%, 80% with 60 s pauses',
              ),
            scaleDownDelaySeconds: z
              .number()
              .int()
              .min(0)
              .default(30)
              .describe(
                'blueGreen: how long the old version stays up after the switch',
              ),
          })
          .strict(),
      ])
      .default({ kind: 'Deployment' })
      .describe(
        '{ kind: Deployment } or { kind: Rollout, strategy: blueGreen | canary }; blue-green promotes automatically except in protected environments',
      ),
  migration: z =>
    z
      .object({
        command: z
          .array(z.string())
          .optional()
          .describe('Command of the migration container'),
        args: z
          .array(z.string())
          .optional()
          .describe(
            'Arguments of the migration container, e.g. ["migrate", "up"]',
          ),
        envFromSecret: z
          .string()
          .optional()
          .describe(
            'Secret whose keys become the migration’s environment (database credentials)',
          ),
        backoffLimit: z
          .number()
          .int()
          .min(0)
          .default(1)
          .describe('Retries before the sync fails'),
        activeDeadlineSeconds: z
          .number()
          .int()
          .min(1)
          .default(600)
          .describe(
            'Seconds before the migration is stopped and the sync fails',
          ),
        proxy: z
          .object({
            image: z
              .string()
              .describe(
                'Proxy image with a pinned tag, e.g. gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.14.0',
              ),
            args: z.array(z.string()).optional().describe('Proxy arguments'),
            port: z
              .number()
              .int()
              .min(1)
              .max(65535)
              .optional()
              .describe(
                'Port the proxy listens on; the migration starts once it accepts connections',
              ),
          })
          .strict()
          .optional()
          .describe(
            'A database proxy beside the migration, as a native sidecar',
          ),
      })
      .strict()
      .nullable()
      .optional()
      .describe(
        'A schema migration Job run as an Argo CD PreSync hook, with the app image and tag. Null or absent: none',
      ),
  overwrite: serviceInputs.overwrite,
};

export const manifestsOutput: Record<string, FieldSchema> = {
  files: z =>
    z.array(z.string()).describe('Files written, relative to targetPath'),
  overlays: z =>
    z
      .record(z.string())
      .describe(
        'Environment → its overlay folder (kustomize) or values file (helm), relative to targetPath',
      ),
  manifestPath: z =>
    z
      .string()
      .describe(
        'For the shipdeck.io/manifest-path annotation: the overlay or values path with {env} left in',
      ),
  writeStrategy: z =>
    z
      .enum(['kustomize-images', 'helm-values'])
      .describe('For the shipdeck.io/write-strategy annotation'),
  writeKey: z =>
    z
      .string()
      .optional()
      .describe('helm: for the shipdeck.io/write-key annotation (image.tag)'),
  image: z =>
    z
      .string()
      .describe('For the shipdeck.io/image annotation: the image repository'),
  valueFiles: z =>
    z
      .array(z.string())
      .optional()
      .describe(
        'helm: the values files of an environment, shared first, with {env} left in; for argocd:application:create helm.valueFiles',
      ),
  chart: z =>
    z
      .record(z.string())
      .optional()
      .describe(
        'helm: the chart input, passed on for argocd:application:create helm.chart',
      ),
};
