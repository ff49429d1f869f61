import { Document } from 'yaml';
import {
  baseImage,
  containerSecurityContext,
  envList,
  podSecurityContext,
} from './podTemplate';
import { Migration, ServiceSpec } from './types';
import { YamlPath, yamlDocument } from './yamlDocument';

export function migrationJobName(spec: ServiceSpec): string {
  return `${spec.name}-migrate`;
}

function proxyContainer(proxy: NonNullable<Migration['proxy']>) {
  return {
    name: 'proxy',
    image: proxy.image,
    ...(proxy.args && { args: proxy.args }),
    restartPolicy: 'Always',
    // Main containers start only once a sidecar's startup probe passes, so
    // the migration never races the proxy's listener.
    ...(proxy.port !== undefined && {
      ports: [{ name: 'proxy', containerPort: proxy.port, protocol: 'TCP' }],
      startupProbe: {
        tcpSocket: { port: proxy.port },
        periodSeconds: 1,
        failureThreshold: 60,
      },
    }),
    securityContext: containerSecurityContext(),
  };
}

/**
 * The schema migration as an Argo CD PreSync hook. It runs the service's own
 * image, so the overlay's `images:` entry retags it together with the app.
 */
export function migrationJobDocument(
  spec: ServiceSpec,
  migration: Migration,
): Document {
  const value = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: migrationJobName(spec),
      labels: { 'app.kubernetes.io/name': migrationJobName(spec) },
      annotations: {
        'argocd.argoproj.io/hook': 'PreSync',
        'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation',
        'argocd.argoproj.io/sync-wave': '-1',
      },
    },
    spec: {
      backoffLimit: migration.backoffLimit,
      activeDeadlineSeconds: migration.activeDeadlineSeconds,
      template: {
        metadata: {
          labels: {
            'app.kubernetes.io/name': migrationJobName(spec),
            'app.kubernetes.io/part-of': spec.name,
          },
        },
        spec: {
          restartPolicy: 'Never',
          securityContext: podSecurityContext(),
          ...(migration.proxy && {
            initContainers: [proxyContainer(migration.proxy)],
          }),
          containers: [
            {
              name: 'migrate',
              image: baseImage(spec),
              ...(migration.command && { command: migration.command }),
              ...(migration.args && { args: migration.args }),
              ...(migration.envFromSecret && {
                envFrom: [{ secretRef: { name: migration.envFromSecret } }],
              }),
              ...(Object.keys(spec.env).length > 0 && {
                env: envList(spec.env),
              }),
              resources: spec.resources,
              securityContext: containerSecurityContext(),
            },
          ],
        },
      },
    },
  };
  const pod: YamlPath = ['spec', 'template', 'spec'];
  const comments: Array<readonly [YamlPath, string]> = [
    [
      [],
      'Runs the schema migration before Argo CD applies the new version; a failed\nmigration stops the sync, so the old version keeps serving.',
    ],
    [
      ['spec', 'template', 'metadata', 'labels'],
      `Not the app's labels: the Service would send traffic to this pod.`,
    ],
    [
      [...pod, 'containers', 0, 'image'],
      `The same image as the app: the overlay retags both, so they move together.${
        Object.keys(spec.config).length > 0
          ? `\nNo envFrom ${spec.name}-config: hooks run before the sync creates it.`
          : ''
      }`,
    ],
  ];
  if (migration.proxy) {
    comments.push([
      [...pod, 'initContainers', 0, 'restartPolicy'],
      'Native sidecar (Kubernetes 1.29+): started and ready before the migration,\nstopped when it exits, so the Job completes.',
    ]);
  }
  return yamlDocument(value, { comments });
}
