import { Resource } from './resources';

/** Argo CD health codes. */
export type HealthCode =
  | 'Healthy'
  | 'Progressing'
  | 'Degraded'
  | 'Suspended'
  | 'Missing'
  | 'Unknown';

export interface Health {
  status: HealthCode;
  message?: string;
}

/** Argo CD's ranking: the Application takes its worst resource's health. */
const RANK: Record<HealthCode, number> = {
  Healthy: 0,
  Suspended: 1,
  Progressing: 2,
  Missing: 3,
  Degraded: 4,
  Unknown: 5,
};

export function isWorse(a: HealthCode, b: HealthCode): boolean {
  return RANK[a] > RANK[b];
}

/** App health: the worst of its resources' (Healthy when none has a check). */
export function aggregateHealth(healths: Array<Health | undefined>): Health {
  let worst: Health = { status: 'Healthy' };
  for (const h of healths) {
    if (h && isWorse(h.status, worst.status)) worst = h;
  }
  return { status: worst.status };
}

/** Timed state of a Deployment/StatefulSet/DaemonSet after an apply. */
export interface WorkloadState {
  templateHash: string;
  /** Images of the pods being replaced, shown until the rollout settles. */
  previousImages: string[];
  /** Until when the new pods are coming up. */
  progressUntil?: number;
  /** Decided when progress ends: Degraded when a `degrade` fault was set. */
  outcome?: 'Healthy' | 'Degraded';
}

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

/** Kinds whose health the emulator models as a rolling workload. */
export function isWorkload(kind: string): boolean {
  return WORKLOAD_KINDS.has(kind);
}

/**
 * Kinds with a built-in health check in Argo CD that the emulator reports as
 * Healthy once applied. Kinds without one (ConfigMap, Secret, RBAC…) have no
 * health and do not count towards the Application's.
 */
const ALWAYS_HEALTHY = new Set([
  'Service',
  'Ingress',
  'PersistentVolumeClaim',
  'HorizontalPodAutoscaler',
  'CronJob',
  'Job',
  'Pod',
  'ReplicaSet',
  'Namespace',
  'PodDisruptionBudget',
]);

/** A fresh workload state after an apply that changed the pod template. */
export function startWorkload(
  previous: WorkloadState | undefined,
  resource: Resource,
  templateHash: string,
  previousImages: string[],
  now: number,
  progressingMs: number,
): WorkloadState {
  if (previous && previous.templateHash === templateHash) return previous;
  return {
    templateHash,
    previousImages: previousImages.filter(i => !resource.images.includes(i)),
    progressUntil: now + progressingMs,
  };
}

/** Settles a workload whose progress window has passed. */
export function settleWorkload(
  state: WorkloadState,
  now: number,
  degrade: boolean,
): WorkloadState {
  if (
    state.progressUntil === undefined ||
    now < state.progressUntil ||
    state.outcome
  ) {
    return state;
  }
  return {
    ...state,
    previousImages: [],
    outcome: degrade ? 'Degraded' : 'Healthy',
  };
}

/** Health of a rolling workload (messages as Argo CD's Deployment check). */
export function workloadHealth(
  kind: string,
  name: string,
  state: WorkloadState,
  replicas: number,
  now: number,
): Health {
  if (
    state.progressUntil !== undefined &&
    now < state.progressUntil &&
    !state.outcome
  ) {
    return {
      status: 'Progressing',
      message: `Waiting for rollout to finish: 0 of ${replicas} updated replicas are available...`,
    };
  }
  if (state.outcome === 'Degraded') {
    return {
      status: 'Degraded',
      message: `${kind} "${name}" exceeded its progress deadline`,
    };
  }
  return { status: 'Healthy' };
}

/** Health of a non-workload kind, or undefined when Argo CD has no check for it. */
export function staticHealth(kind: string): Health | undefined {
  return ALWAYS_HEALTHY.has(kind) ? { status: 'Healthy' } : undefined;
}

/** Images the running pods of a workload use: old and new while rolling. */
export function workloadImages(
  resource: Resource,
  state: WorkloadState | undefined,
): string[] {
  if (!state) return resource.images;
  return [...new Set([...state.previousImages, ...resource.images])];
}
