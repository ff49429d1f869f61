import { KubeObject } from './kubernetes';

/*
 * What a chart following the values convention of gitops:manifests:create
 * renders (there is no helm binary in the tests): the values as Helm merges
 * them, and the objects a template would build from each key. It pins the
 * convention down; the objects are validated like kustomize's.
 */

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Helm's merge of values files: maps merge key by key, anything else replaces. */
export function mergeValues(base: any, override: any): any {
  if (!isMap(base) || !isMap(override)) return override;
  const result: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    result[key] = key in base ? mergeValues(base[key], value) : value;
  }
  return result;
}

export function renderReferenceChart(name: string, values: any): KubeObject[] {
  const labels = { 'app.kubernetes.io/name': name };
  const hasConfig = Object.keys(values.config).length > 0;
  const env = Object.entries(values.env).map(([key, value]) => ({
    name: key,
    value: String(value),
  }));
  const container = {
    name,
    image: `${values.image.repository}:${values.image.tag}`,
    imagePullPolicy: values.image.pullPolicy,
    ports: [
      { name: 'http', containerPort: values.containerPort, protocol: 'TCP' },
    ],
    ...(hasConfig && {
      envFrom: [{ configMapRef: { name: `${name}-config` } }],
    }),
    ...(env.length > 0 && { env }),
    readinessProbe: values.readinessProbe,
    livenessProbe: values.livenessProbe,
    ...(values.startupProbe && { startupProbe: values.startupProbe }),
    ...(values.lifecycle && { lifecycle: values.lifecycle }),
    resources: values.resources,
    securityContext: values.securityContext,
  };
  const spec = {
    ...(!values.autoscaling.enabled && { replicas: values.replicaCount }),
    selector: { matchLabels: labels },
    template: {
      metadata: { labels },
      spec: {
        terminationGracePeriodSeconds: values.terminationGracePeriodSeconds,
        securityContext: values.podSecurityContext,
        containers: [container],
      },
    },
  };
  const metadata = { name, labels };
  const workload: KubeObject = values.rollout.enabled
    ? {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Rollout',
        metadata,
        spec: { ...spec, strategy: values.rollout.strategy },
      }
    : {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata,
        spec: { ...spec, strategy: values.strategy },
      };
  const objects: KubeObject[] = [workload];

  if (values.service.enabled) {
    const preview = values.rollout.strategy?.blueGreen?.previewService;
    for (const serviceName of [name, ...(preview ? [preview] : [])]) {
      objects.push({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: serviceName, labels },
        spec: {
          type: values.service.type,
          selector: labels,
          ports: [
            { name: 'http', port: values.service.port, targetPort: 'http' },
          ],
        },
      });
    }
  }
  if (hasConfig) {
    objects.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `${name}-config` },
      data: values.config,
    });
  }
  const autoscaling = values.autoscaling;
  if (autoscaling.enabled) {
    objects.push({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name },
      spec: {
        scaleTargetRef: {
          apiVersion: workload.apiVersion,
          kind: workload.kind,
          name,
        },
        minReplicas: autoscaling.minReplicas,
        maxReplicas: autoscaling.maxReplicas,
        metrics: autoscaling.metrics ?? [
          {
            type: 'Resource',
            resource: {
              name: 'cpu',
              target: {
                type: 'Utilization',
                averageUtilization: autoscaling.targetCPUUtilizationPercentage,
              },
            },
          },
        ],
      },
    });
  }
  if (values.podDisruptionBudget.enabled) {
    objects.push({
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name },
      spec: {
        maxUnavailable: values.podDisruptionBudget.maxUnavailable,
        selector: { matchLabels: labels },
      },
    });
  }
  const migration = values.migration;
  if (migration.enabled) {
    const proxy = migration.proxy;
    objects.push({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name: migration.name,
        labels: { 'app.kubernetes.io/name': migration.name },
        annotations: migration.annotations,
      },
      spec: {
        backoffLimit: migration.backoffLimit,
        activeDeadlineSeconds: migration.activeDeadlineSeconds,
        template: {
          metadata: {
            labels: {
              'app.kubernetes.io/name': migration.name,
              'app.kubernetes.io/part-of': name,
            },
          },
          spec: {
            restartPolicy: 'Never',
            ...(proxy && {
              initContainers: [
                {
                  name: 'proxy',
                  image: proxy.image,
                  ...(proxy.args && { args: proxy.args }),
                  restartPolicy: 'Always',
                  ...(proxy.port && {
                    startupProbe: { tcpSocket: { port: proxy.port } },
                  }),
                },
              ],
            }),
            containers: [
              {
                name: 'migrate',
                image: container.image,
                ...(migration.command && { command: migration.command }),
                ...(migration.args && { args: migration.args }),
                ...(migration.envFromSecret && {
                  envFrom: [{ secretRef: { name: migration.envFromSecret } }],
                }),
              },
            ],
          },
        },
      },
    });
  }
  return objects;
}
