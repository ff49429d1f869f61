/**
 * The parts of Argo CD's Application (v1alpha1, API v3.5.1) Shipdeck reads.
 * Field names follow the API description; everything is optional because the
 * list endpoint's `fields` projection leaves most of it out.
 */
export interface ArgoApplication {
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    resourceVersion?: string;
  };
  spec?: {
    project?: string;
    source?: ArgoSource;
    sources?: ArgoSource[];
    destination?: { server?: string; name?: string; namespace?: string };
    syncPolicy?: { automated?: { prune?: boolean; selfHeal?: boolean } | null };
  };
  status?: {
    sync?: {
      status?: 'Synced' | 'OutOfSync' | 'Unknown';
      revision?: string;
      revisions?: string[];
    };
    health?: {
      status?: ArgoHealth;
      message?: string;
      lastTransitionTime?: string;
    };
    operationState?: ArgoOperationState;
    history?: ArgoHistoryEntry[];
    summary?: { images?: string[]; externalURLs?: string[] };
    reconciledAt?: string;
    resources?: Array<{
      group?: string;
      version?: string;
      kind?: string;
      namespace?: string;
      name?: string;
      status?: string;
      health?: { status?: ArgoHealth; message?: string };
      hook?: boolean;
    }>;
  };
  /** Present while an operation is pending or running. */
  operation?: {
    sync?: { revision?: string; revisions?: string[] };
    info?: Array<{ name: string; value: string }>;
  };
}

export type ArgoHealth =
  | 'Healthy'
  | 'Progressing'
  | 'Degraded'
  | 'Suspended'
  | 'Missing'
  | 'Unknown';

export interface ArgoSource {
  repoURL?: string;
  path?: string;
  targetRevision?: string;
  chart?: string;
  helm?: { valueFiles?: string[] };
}

export interface ArgoOperationState {
  phase?: 'Running' | 'Terminating' | 'Failed' | 'Error' | 'Succeeded';
  message?: string;
  startedAt?: string;
  finishedAt?: string;
  operation?: {
    sync?: {
      revision?: string;
      revisions?: string[];
      prune?: boolean;
      dryRun?: boolean;
    };
    initiatedBy?: { username?: string; automated?: boolean };
    info?: Array<{ name: string; value: string }>;
  };
  syncResult?: {
    revision?: string;
    revisions?: string[];
    resources?: Array<{
      group?: string;
      version?: string;
      kind?: string;
      namespace?: string;
      name?: string;
      status?: string;
      message?: string;
      hookType?: string;
      hookPhase?: string;
      syncPhase?: string;
      images?: string[];
    }>;
  };
}

export interface ArgoHistoryEntry {
  id: number;
  revision?: string;
  revisions?: string[];
  deployedAt?: string;
  deployStartedAt?: string;
  initiatedBy?: { username?: string; automated?: boolean };
}

/** Argo CD's control-plane namespace: where an Application lives unless it says otherwise. */
export const DEFAULT_APP_NAMESPACE = 'argocd';

/** Which Application, on which configured instance. */
export interface ArgoAppRef {
  instance: string;
  name: string;
  /** For Applications outside the control-plane namespace (`appNamespace`). */
  namespace?: string;
  project?: string;
}

/** A Kubernetes resource of an Application, for resource actions. */
export interface ArgoResourceRef {
  group: string;
  version: string;
  kind: string;
  namespace?: string;
  name: string;
}

export interface SyncOptions {
  prune?: boolean;
  dryRun?: boolean;
  /** Omit for auto-synced Applications (https://argo-cd.readthedocs.io/en/stable/user-guide/auto_sync/). */
  revision?: string;
  resources?: Array<{
    group?: string;
    kind: string;
    name: string;
    namespace?: string;
  }>;
  /** Copied to operation.info; Shipdeck puts its deployment id here. */
  infos?: Array<{ name: string; value: string }>;
}

/**
 * Argo CD's REST API for many configured instances. Errors are Backstage
 * errors: NotFoundError (unknown application), NotAllowedError (forbidden),
 * ConflictError (FailedPrecondition: another operation in progress, sync
 * window, rollback with auto-sync on), InputError (invalid argument),
 * ServiceUnavailableError (instance unreachable, timed out, 5xx after retries).
 */
export interface ArgoCdClient {
  instances(): string[];
  listApplications(
    instance: string,
    options?: {
      selector?: string;
      projects?: string[];
      appNamespace?: string;
      fields?: string[];
    },
  ): Promise<{ items: ArgoApplication[]; resourceVersion?: string }>;
  getApplication(
    ref: ArgoAppRef,
    options?: { refresh?: 'normal' | 'hard' },
  ): Promise<ArgoApplication>;
  sync(ref: ArgoAppRef, options?: SyncOptions): Promise<ArgoApplication>;
  terminateOperation(ref: ArgoAppRef): Promise<void>;
  rollback(
    ref: ArgoAppRef,
    options: { id: number; prune?: boolean; dryRun?: boolean },
  ): Promise<ArgoApplication>;
  listResourceActions(
    ref: ArgoAppRef,
    resource: ArgoResourceRef,
  ): Promise<Array<{ name: string; disabled?: boolean }>>;
  runResourceAction(
    ref: ArgoAppRef,
    resource: ArgoResourceRef,
    action: string,
  ): Promise<void>;
  /** Web UI link of an Application. */
  applicationUrl(ref: ArgoAppRef): string | undefined;
}
