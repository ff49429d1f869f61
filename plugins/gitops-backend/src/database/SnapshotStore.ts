import { ArgoApplication, DEFAULT_APP_NAMESPACE } from '../argocd/types';

/** An Application as last observed, with when. */
export interface AppSnapshot {
  instance: string;
  namespace: string;
  name: string;
  application: ArgoApplication;
  observedAt: string;
  /**
   * When the Application was last fetched whole. Until then only its list
   * projection is known: no history, no operation results, so neither is in
   * the timeline yet.
   */
  fetchedAt?: string;
}

export interface InstanceStatus {
  instance: string;
  lastAttemptAt: string;
  lastSuccessAt?: string;
  lastError?: string;
}

export interface AppKey {
  instance: string;
  namespace: string;
  name: string;
}

export { DEFAULT_APP_NAMESPACE };

/** The key an Application is stored under: (instance, namespace, name). */
export function appKey(ref: {
  instance: string;
  namespace?: string;
  name: string;
}): AppKey {
  return {
    instance: ref.instance,
    namespace: ref.namespace ?? DEFAULT_APP_NAMESPACE,
    name: ref.name,
  };
}

/** {@link appKey} as one string, for maps. */
export function appKeyString(ref: {
  instance: string;
  namespace?: string;
  name: string;
}): string {
  const key = appKey(ref);
  return `${key.instance}/${key.namespace}/${key.name}`;
}

/** Something that happened to one Argo CD Application. */
export interface AppEvent {
  instance: string;
  namespace: string;
  app: string;
  type:
    | 'health'
    | 'sync-status'
    | 'operation-started'
    | 'operation'
    | 'deployed';
  at: string;
  revision?: string;
  summary: string;
  /**
   * What it moved: health before and after, the new sync status, the
   * operation's phase. Metrics and outcomes read this, never `summary`.
   */
  state?: { from?: string; to: string };
  details?: Record<string, unknown>;
  /** Same event seen twice (two replicas, two looks) is stored once. */
  dedupeKey: string;
}

/** Stored event, with its id for paging. */
export type StoredAppEvent = Omit<AppEvent, 'dedupeKey'> & { id: number };

/**
 * Snapshots of Argo CD Applications and the events derived from them, shared
 * by every replica so each serves the same answer and a restart loses
 * nothing. Events keep what they moved as fields (`state`), so new fields
 * can be added to {@link AppEvent} and stored beside the others.
 */
export interface SnapshotStore {
  listInstance(instance: string): Promise<AppSnapshot[]>;
  /** Every stored Application, by instance, namespace and name. */
  listAll(): Promise<AppSnapshot[]>;
  getMany(keys: AppKey[]): Promise<AppSnapshot[]>;
  /**
   * Replaces an instance's snapshot with what was just listed: upserts every
   * app, deletes the ones that are gone.
   */
  replaceInstance(instance: string, snapshots: AppSnapshot[]): Promise<void>;
  /** The outcome of one look at an instance. */
  recordAttempt(
    instance: string,
    outcome: { at: string; error?: string },
  ): Promise<void>;
  instanceStatuses(): Promise<Map<string, InstanceStatus>>;
  /** Stores new events; one already stored (same dedupe key) is skipped. */
  appendEvents(events: AppEvent[]): Promise<void>;
  /**
   * Events of some Applications, newest first, before an event id or time;
   * with `sinceAt`, the ones at or after it, oldest first.
   */
  listEvents(
    apps: AppKey[],
    options: ListEventsOptions,
  ): Promise<StoredAppEvent[]>;
}

/** Which of some Applications' events {@link SnapshotStore.listEvents} reads. */
export interface ListEventsOptions {
  /** Only events with a smaller id (a page of a paged read). */
  before?: number;
  /** Only events before this time. */
  beforeAt?: string;
  /** Only events at or after this time, oldest first. */
  sinceAt?: string;
  limit: number;
  types?: string[];
}
