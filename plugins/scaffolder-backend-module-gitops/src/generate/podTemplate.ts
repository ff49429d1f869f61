import { ServiceSpec } from './types';
import { YamlPath } from './yamlDocument';

/** The container port's name; probes and Services refer to it, not to the number. */
export const PORT_NAME = 'http';

export function selectorLabels(spec: ServiceSpec): Record<string, string> {
  return { 'app.kubernetes.io/name': spec.name };
}

export function configMapName(spec: ServiceSpec): string {
  return `${spec.name}-config`;
}

export function envList(env: Record<string, string>) {
  return Object.entries(env).map(([name, value]) => ({ name, value }));
}

function httpGet(path: string) {
  return { path, port: PORT_NAME };
}

/** Readiness, liveness and the optional startup probe, all on the named port. */
export function probes(spec: ServiceSpec) {
  const startup = spec.startupProbe;
  return {
    readinessProbe: {
      httpGet: httpGet(spec.readinessPath),
      periodSeconds: 5,
      failureThreshold: 3,
    },
    livenessProbe: {
      httpGet: httpGet(spec.livenessPath),
      // A startup probe holds liveness back until the app is up; without
      // one, a delay keeps a slow start from being killed in a loop.
      ...(startup ? {} : { initialDelaySeconds: 10 }),
      periodSeconds: 10,
      failureThreshold: 3,
    },
    ...(startup && {
      startupProbe: {
        httpGet: httpGet(startup.path),
        periodSeconds: startup.periodSeconds,
        failureThreshold: startup.failureThreshold,
      },
    }),
  };
}

export function preStop(spec: ServiceSpec) {
  return spec.preStopSeconds > 0
    ? {
        preStop: {
          exec: { command: ['sleep', String(spec.preStopSeconds)] },
        },
      }
    : undefined;
}

export function terminationGracePeriodSeconds(spec: ServiceSpec): number {
  return spec.preStopSeconds + spec.shutdownSeconds;
}

export function containerSecurityContext() {
  return { allowPrivilegeEscalation: false };
}

export function podSecurityContext() {
  return { seccompProfile: { type: 'RuntimeDefault' } };
}

/** The base's image: the overlays' `images:` entry sets the tag each environment runs. */
export function baseImage(spec: ServiceSpec): string {
  return `${spec.image}:latest`;
}

export function appContainer(spec: ServiceSpec) {
  const lifecycle = preStop(spec);
  return {
    name: spec.name,
    image: baseImage(spec),
    ports: [{ name: PORT_NAME, containerPort: spec.port, protocol: 'TCP' }],
    ...(Object.keys(spec.config).length > 0 && {
      envFrom: [{ configMapRef: { name: configMapName(spec) } }],
    }),
    ...(Object.keys(spec.env).length > 0 && { env: envList(spec.env) }),
    ...probes(spec),
    ...(lifecycle && { lifecycle }),
    resources: spec.resources,
    securityContext: containerSecurityContext(),
  };
}

/** The pod template of the Deployment or Rollout. */
export function podTemplate(spec: ServiceSpec) {
  return {
    metadata: { labels: selectorLabels(spec) },
    spec: {
      terminationGracePeriodSeconds: terminationGracePeriodSeconds(spec),
      securityContext: podSecurityContext(),
      containers: [appContainer(spec)],
    },
  };
}

/** Comments and inline styles for the pod template under `at`. */
export function podTemplateStyle(spec: ServiceSpec, at: YamlPath) {
  const container = [...at, 'spec', 'containers', 0];
  const probeNames = [
    'readinessProbe',
    'livenessProbe',
    ...(spec.startupProbe ? ['startupProbe'] : []),
  ];
  const comments: Array<readonly [YamlPath, string]> = [
    [
      [...at, 'spec', 'terminationGracePeriodSeconds'],
      `preStop (${spec.preStopSeconds} s) plus the app's own shutdown (${spec.shutdownSeconds} s):\nKubernetes kills the container when this runs out, so in-flight requests finish first.`,
    ],
    [
      [...container, 'image'],
      'The overlays set the tag (images: newTag); a deployment changes only that.',
    ],
    [
      [...container, 'readinessProbe'],
      `Traffic only once the app answers, and restarts when it stops answering;\nprobes use the named port, so changing the number changes one line.`,
    ],
    [
      [...container, 'resources'],
      'Requests reserve capacity for scheduling; the memory limit stops a leak from starving the node.',
    ],
  ];
  if (spec.startupProbe) {
    comments.push([
      [...container, 'startupProbe'],
      'Liveness waits until this succeeds, so a slow start is not killed in a loop.',
    ]);
  }
  if (spec.preStopSeconds > 0) {
    comments.push([
      [...container, 'lifecycle'],
      `Let the Service endpoints drop this pod before it stops taking requests:\nendpoint removal and SIGTERM happen at the same time, so the sleep covers the gap.`,
    ]);
  }
  const flow: YamlPath[] = [
    ...probeNames.map(name => [...container, name, 'httpGet']),
    ...(['requests', 'limits'] as const)
      .filter(key => spec.resources[key])
      .map(key => [...container, 'resources', key]),
    ...(spec.preStopSeconds > 0
      ? [[...container, 'lifecycle', 'preStop', 'exec', 'command']]
      : []),
  ];
  return { comments, flow };
}
