import { randomUUID } from 'node:crypto';
import {
  Health,
  isWorkload,
  settleWorkload,
  startWorkload,
  staticHealth,
  workloadHealth,
  WorkloadState,
  workloadImages,
} from './health';
import { Resource, templateHash } from './resources';
import {
  applyRollout,
  rolloutHealth,
  rolloutImages,
  RolloutState,
  tickRollout,
} from './rollouts';

/**
 * One object in the simulated cluster: the manifest last applied by a sync,
 * plus the timed status the emulator pretends controllers produce.
 */
export interface LiveResource {
  resource: Resource;
  uid: string;
  createdAt: number;
  updatedAt: number;
  workload?: WorkloadState;
  rollout?: RolloutState;
  /** Deployment `spec.paused` set by the pause action (not from Git). */
  paused?: boolean;
}

/** A hook object left in the cluster after it ran (BeforeHookCreation keeps it). */
export interface LiveHook {
  resource: Resource;
  uid: string;
  createdAt: number;
  phase: 'Running' | 'Succeeded' | 'Failed';
  message?: string;
}

/** The live objects of one Application. */
export interface LiveState {
  resources: Map<string, LiveResource>;
  hooks: Map<string, LiveHook>;
}

export function emptyLiveState(): LiveState {
  return { resources: new Map(), hooks: new Map() };
}

export function replicasOf(resource: Resource): number {
  const replicas = resource.manifest.spec?.replicas;
  return typeof replicas === 'number' ? replicas : 1;
}

/**
 * Applies a manifest: creates or updates the live object. A changed pod
 * template starts a rollout (Progressing for `progressingMs`); `settled`
 * applies as if it happened long ago (adoption at start-up).
 */
export function applyResource(
  live: LiveState,
  resource: Resource,
  now: number,
  progressingMs: number,
  settled = false,
) {
  const previous = live.resources.get(resource.key);
  const next: LiveResource = {
    resource,
    uid: previous?.uid ?? randomUUID(),
    createdAt: previous?.createdAt ?? now,
    updatedAt:
      previous && previous.resource.hash === resource.hash
        ? previous.updatedAt
        : now,
    paused: previous?.paused,
  };
  if (isWorkload(resource.kind)) {
    const hash = templateHash(resource.kind, resource.manifest);
    if (settled) {
      next.workload = {
        templateHash: hash,
        previousImages: [],
        outcome: 'Healthy',
      };
    } else {
      next.workload = startWorkload(
        previous?.workload,
        resource,
        hash,
        previous ? liveImages(previous) : [],
        now,
        progressingMs,
      );
    }
  } else if (resource.kind === 'Rollout' && resource.group === 'argoproj.io') {
    next.rollout = applyRollout(
      previous?.rollout,
      resource,
      now,
      { progressingMs },
      { settled },
    );
  }
  live.resources.set(resource.key, next);
}

export function pruneResource(live: LiveState, key: string) {
  live.resources.delete(key);
}

/** Advances timed transitions; `degrade` makes rollouts that end now Degraded. */
export function advance(live: LiveState, now: number, degrade: boolean) {
  for (const [key, r] of live.resources) {
    if (r.workload) {
      const w = settleWorkload(r.workload, now, degrade);
      if (w !== r.workload) live.resources.set(key, { ...r, workload: w });
    } else if (r.rollout) {
      const ro = tickRollout(r.rollout, now, degrade);
      if (ro !== r.rollout) live.resources.set(key, { ...r, rollout: ro });
    }
  }
}

/** When the next timed transition of this app's live objects is due. */
export function nextTransition(live: LiveState): number | undefined {
  let next: number | undefined;
  for (const r of live.resources.values()) {
    const due =
      r.workload && !r.workload.outcome
        ? r.workload.progressUntil
        : r.rollout?.progressUntil;
    if (due !== undefined && (next === undefined || due < next)) next = due;
  }
  return next;
}

/** Health of a live object, or undefined when Argo CD has no check for its kind. */
export function liveHealth(r: LiveResource, now: number): Health | undefined {
  if (r.rollout) return rolloutHealth(r.rollout);
  if (r.workload) {
    if (r.paused)
      return { status: 'Suspended', message: 'Deployment is paused' };
    return workloadHealth(
      r.resource.kind,
      r.resource.name,
      r.workload,
      replicasOf(r.resource),
      now,
    );
  }
  return staticHealth(r.resource.kind);
}

/** Images of the pods a live object runs (old and new while rolling). */
export function liveImages(r: LiveResource): string[] {
  if (r.rollout) return rolloutImages(r.rollout);
  if (r.workload) return workloadImages(r.resource, r.workload);
  return r.resource.images;
}
