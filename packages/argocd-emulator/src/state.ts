import { ApplicationSource, DeclaredApplication } from './applications';
import { LiveState } from './cluster';
import { Health, HealthCode } from './health';
import { RenderResult } from './render';

/** Tunable durations of the simulation, in ms. */
export interface Timings {
  /** Git poll / full reconcile period (real Argo CD: ~3 min). */
  pollIntervalMs: number;
  /** From a sync request until the controller picks the operation up. */
  operationStartMs: number;
  /** How long each hook batch (PreSync, Sync, PostSync) runs. */
  hookMs: number;
  /** How long applying the manifests takes. */
  syncMs: number;
  /** How long workloads and Rollouts stay Progressing after a change. */
  progressingMs: number;
  /** From an operation's end until the reconcile that refreshes health. */
  postOperationReconcileMs: number;
  /** How long an operation stays Terminating. */
  terminateMs: number;
  /** Minimum wait before self-heal re-syncs the same revision. */
  selfHealMs: number;
  /** SSE keep-alive comment period. */
  keepAliveMs: number;
}

export const DEFAULT_TIMINGS: Timings = {
  pollIntervalMs: 2000,
  operationStartMs: 250,
  hookMs: 1500,
  syncMs: 1000,
  progressingMs: 3000,
  postOperationReconcileMs: 1000,
  terminateMs: 500,
  selfHealMs: 5000,
  keepAliveMs: 15000,
};

export interface Info {
  name: string;
  value: string;
}

export interface OperationInitiator {
  username?: string;
  automated?: boolean;
}

export interface SyncOperationResource {
  group?: string;
  kind: string;
  name: string;
  namespace?: string;
}

/** `operation.sync`: what a sync was asked to do. */
export interface SyncOperation {
  revision: string;
  prune?: boolean;
  dryRun?: boolean;
  resources?: SyncOperationResource[];
  syncOptions?: string[];
  syncStrategy?: Record<string, unknown>;
  /** Set for rollbacks: the source recorded in history. */
  source?: ApplicationSource;
}

export interface Operation {
  sync: SyncOperation;
  initiatedBy: OperationInitiator;
  info?: Info[];
  retry?: Record<string, unknown>;
}

export type OperationPhase =
  | 'Running'
  | 'Terminating'
  | 'Failed'
  | 'Error'
  | 'Succeeded';

/** `syncResult.resources[]` entry. */
export interface ResourceResult {
  group: string;
  version: string;
  kind: string;
  namespace: string;
  name: string;
  status?: 'Synced' | 'SyncFailed' | 'Pruned' | 'PruneSkipped';
  message?: string;
  hookType?: string;
  hookPhase?: OperationPhase;
  syncPhase?: 'PreSync' | 'Sync' | 'PostSync' | 'SyncFail';
  images?: string[];
}

export interface OperationState {
  operation: Operation;
  phase: OperationPhase;
  message?: string;
  startedAt: number;
  finishedAt?: number;
  retryCount?: number;
  syncResult?: {
    revision: string;
    resources: ResourceResult[];
    source?: ApplicationSource;
  };
}

export interface HistoryEntry {
  id: number;
  revision: string;
  source?: ApplicationSource;
  deployStartedAt: number;
  deployedAt: number;
  initiatedBy: OperationInitiator;
}

/** `status.resources[]` entry. */
export interface ResourceStatus {
  group: string;
  version: string;
  kind: string;
  namespace: string;
  name: string;
  status: 'Synced' | 'OutOfSync';
  health?: Health;
  requiresPruning?: boolean;
  syncWave?: number;
}

export interface Condition {
  type: string;
  message: string;
  lastTransitionTime: number;
}

export interface AppEvent {
  uid: string;
  reason: string;
  message: string;
  type: 'Normal' | 'Warning';
  firstTimestamp: number;
  lastTimestamp: number;
  count: number;
  component: string;
}

/** A running operation's handle: timers to cancel on termination. */
export interface OperationRun {
  id: number;
  cancelled: boolean;
  cancel: Array<() => void>;
}

/** Everything the emulator knows about one Application. */
export interface AppState {
  key: string;
  namespace: string;
  name: string;
  declared: DeclaredApplication;
  /** Hash of the spec: a changed spec re-renders. */
  specHash: string;
  uid: string;
  createdAt: number;
  generation: number;
  resourceVersion: number;

  // Target state (Git).
  targetSha?: string;
  /** `${sha}|${specHash}` of the last render attempt. */
  renderedFor?: string;
  rendered?: RenderResult;
  targetError?: string;
  /** Adopt the first render as already deployed (apps present at start-up). */
  adoptPending: boolean;

  // Live state (the simulated cluster).
  live: LiveState;

  // Status.
  syncStatus: 'Synced' | 'OutOfSync' | 'Unknown';
  health: Health & { status: HealthCode; lastTransitionTime: number };
  resources: ResourceStatus[];
  images: string[];
  reconciledAt?: number;
  conditions: Condition[];
  /** Set when an automated sync failed (SyncError condition). */
  syncError?: Condition;
  operation?: Operation;
  operationState?: OperationState;
  history: HistoryEntry[];
  events: AppEvent[];

  run?: OperationRun;
  wakeTimer?: ReturnType<typeof setTimeout>;
  /** Cached API view for `resourceVersion`. */
  view?: { resourceVersion: number; value: Record<string, any> };
}
