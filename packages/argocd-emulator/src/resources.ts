import { createHash } from 'node:crypto';

/** Hook types of `argocd.argoproj.io/hook` (PreDelete/PostDelete never run here). */
export type HookType = 'PreSync' | 'Sync' | 'PostSync' | 'SyncFail' | 'Skip';

/** One rendered Kubernetes object of an Application, with what the emulator needs. */
export interface Resource {
  group: string;
  version: string;
  kind: string;
  namespace: string;
  name: string;
  /** `group/kind/namespace/name`: identity within an Application. */
  key: string;
  manifest: Record<string, any>;
  /** Content hash of the manifest: live and target compare by it. */
  hash: string;
  images: string[];
  hookTypes: HookType[];
  syncWave: number;
}

const HOOK_ANNOTATION = 'argocd.argoproj.io/hook';
const HELM_HOOK_ANNOTATION = 'helm.sh/hook';
const WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';

/** Kinds that are not namespaced (the ones a manifest repository plausibly holds). */
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'StorageClass',
  'CustomResourceDefinition',
  'ClusterRole',
  'ClusterRoleBinding',
  'PriorityClass',
  'IngressClass',
  'APIService',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'ClusterIssuer',
]);

/** gitops-engine's apply order of kinds; other kinds come after these. */
const KIND_ORDER = [
  'Namespace',
  'NetworkPolicy',
  'ResourceQuota',
  'LimitRange',
  'PodSecurityPolicy',
  'PodDisruptionBudget',
  'ServiceAccount',
  'Secret',
  'SecretList',
  'ConfigMap',
  'StorageClass',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'CustomResourceDefinition',
  'ClusterRole',
  'ClusterRoleList',
  'ClusterRoleBinding',
  'ClusterRoleBindingList',
  'Role',
  'RoleList',
  'RoleBinding',
  'RoleBindingList',
  'Service',
  'DaemonSet',
  'Pod',
  'ReplicationController',
  'ReplicaSet',
  'Deployment',
  'HorizontalPodAutoscaler',
  'StatefulSet',
  'Job',
  'CronJob',
  'IngressClass',
  'Ingress',
  'APIService',
];

export function kindRank(kind: string): number {
  const index = KIND_ORDER.indexOf(kind);
  return index < 0 ? KIND_ORDER.length : index;
}

/** Plain string ordering (code units), as Go's sort of strings. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** Sync order: wave, then kind, then name (hooks are ordered by the caller). */
export function compareForSync(a: Resource, b: Resource): number {
  return (
    a.syncWave - b.syncWave ||
    kindRank(a.kind) - kindRank(b.kind) ||
    compareStrings(a.name, b.name)
  );
}

/** Stable ordering for listings: group, kind, namespace, name. */
export function compareRefs(
  a: { group: string; kind: string; namespace: string; name: string },
  b: { group: string; kind: string; namespace: string; name: string },
): number {
  return compareStrings(
    `${a.group}\0${a.kind}\0${a.namespace}\0${a.name}`,
    `${b.group}\0${b.kind}\0${b.namespace}\0${b.name}`,
  );
}

export function isClusterScoped(kind: string): boolean {
  return CLUSTER_SCOPED.has(kind);
}

/** JSON with sorted keys, so equal objects hash equally. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(stableStringify).join(',')}]`;
  }
  if (value && typeof value === 'object') {
    const keys = Object.keys(value as object).sort();
    return `{${keys
      .filter(k => (value as any)[k] !== undefined)
      .map(k => `${JSON.stringify(k)}:${stableStringify((value as any)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export function shortHash(value: unknown, length = 10): string {
  return createHash('sha256')
    .update(typeof value === 'string' ? value : stableStringify(value))
    .digest('hex')
    .slice(0, length);
}

/** The pod spec a workload runs, if it is a workload. */
export function podSpecOf(
  kind: string,
  manifest: Record<string, any>,
): Record<string, any> | undefined {
  switch (kind) {
    case 'Pod':
      return manifest.spec;
    case 'CronJob':
      return manifest.spec?.jobTemplate?.spec?.template?.spec;
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicaSet':
    case 'Job':
    case 'Rollout':
      return manifest.spec?.template?.spec;
    default:
      return undefined;
  }
}

/** Container images of a workload (init containers included), in order, unique. */
export function imagesOf(
  kind: string,
  manifest: Record<string, any>,
): string[] {
  const spec = podSpecOf(kind, manifest);
  if (!spec) return [];
  const images: string[] = [];
  for (const list of [spec.initContainers, spec.containers]) {
    if (!Array.isArray(list)) continue;
    for (const container of list) {
      if (
        typeof container?.image === 'string' &&
        !images.includes(container.image)
      ) {
        images.push(container.image);
      }
    }
  }
  return images;
}

/** The pod template hash Kubernetes (and Argo Rollouts) would give a template. */
export function templateHash(
  kind: string,
  manifest: Record<string, any>,
): string {
  const template =
    kind === 'CronJob' ? manifest.spec?.jobTemplate : manifest.spec?.template;
  return shortHash(template ?? {}, 10);
}

function hookTypesOf(annotations: Record<string, string>): HookType[] {
  const raw = annotations[HOOK_ANNOTATION];
  if (raw) {
    return raw
      .split(',')
      .map(s => s.trim())
      .filter((s): s is HookType =>
        ['PreSync', 'Sync', 'PostSync', 'SyncFail', 'Skip'].includes(s),
      );
  }
  // Argo CD maps Helm hooks too: pre-install/pre-upgrade → PreSync, post-* → PostSync.
  const helm = annotations[HELM_HOOK_ANNOTATION];
  if (helm) {
    const types = new Set<HookType>();
    for (const h of helm.split(',').map(s => s.trim())) {
      if (h === 'pre-install' || h === 'pre-upgrade') types.add('PreSync');
      if (h === 'post-install' || h === 'post-upgrade') types.add('PostSync');
    }
    return [...types];
  }
  return [];
}

/**
 * Turns one parsed manifest into a Resource: group/version from apiVersion,
 * the destination namespace for namespaced kinds without one.
 */
export function toResource(
  manifest: Record<string, any>,
  defaultNamespace: string,
): Resource | undefined {
  if (!manifest || typeof manifest !== 'object') return undefined;
  const kind = manifest.kind;
  const name = manifest.metadata?.name;
  if (typeof kind !== 'string' || typeof name !== 'string') return undefined;
  const apiVersion = String(manifest.apiVersion ?? 'v1');
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  let namespace = '';
  if (!isClusterScoped(kind)) {
    namespace = manifest.metadata?.namespace || defaultNamespace || '';
    manifest.metadata.namespace = namespace || undefined;
  }
  const annotations: Record<string, string> =
    manifest.metadata?.annotations ?? {};
  const wave = Number.parseInt(annotations[WAVE_ANNOTATION] ?? '0', 10);
  return {
    group,
    version,
    kind,
    namespace,
    name,
    key: `${group}/${kind}/${namespace}/${name}`,
    manifest,
    hash: shortHash(manifest, 16),
    images: imagesOf(kind, manifest),
    hookTypes: hookTypesOf(annotations),
    syncWave: Number.isFinite(wave) ? wave : 0,
  };
}

/** `kubectl`-style name of a resource: `deployment.apps/cart`, `service/cart`. */
export function kubectlName(r: { group: string; kind: string; name: string }) {
  return `${r.kind.toLowerCase()}${r.group ? `.${r.group}` : ''}/${r.name}`;
}
