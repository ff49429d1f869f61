import type { RepositoryProvider } from './changeRequests';
import type { EnvironmentLag } from './lag';
/**
 * How a target's manifest is edited to change the running version.
 *
 * @public
 */
export type WriteStrategy = 'kustomize-images' | 'helm-values' | 'raw-image';

/**
 * The write strategies, in the order the docs list them.
 *
 * @public
 */
export const WRITE_STRATEGIES: readonly WriteStrategy[] = [
  'kustomize-images',
  'helm-values',
  'raw-image',
];

/**
 * A configured environment, as the backend serves it.
 *
 * @public
 */
export interface Environment {
  name: string;
  /**
   * What `{env}` becomes in manifest paths and image names, e.g. `prod` for
   * `production`; the name unless configured. Older backends do not send it.
   */
  pathName?: string;
  /** Human title, e.g. "Production". */
  title: string;
  /** Position in the promotion order, 0 first. */
  order: number;
  /** Changes land as a pull request rather than a direct commit. */
  pullRequest: boolean;
  /** Deploying needs `gitops.deploy.protected`. */
  protected: boolean;
  /** The environment whose version promotion copies into this one. */
  promotesFrom?: string;
  /** Name of the Argo CD instance that runs this environment. */
  argocdInstance: string;
  /** Deployments first check that the image version exists in its registry. */
  verifyImages: boolean;
}

/**
 * Where a service's manifest for one environment lives and how it is edited.
 *
 * @public
 */
export interface ManifestLocation {
  repo: string;
  branch: string;
  path: string;
  strategy: WriteStrategy;
  /** Strategy-specific key, e.g. `image.tag` for `helm-values`. */
  key?: string;
  image?: string;
}

/**
 * The Argo CD Application that runs a service in one environment.
 *
 * @public
 */
export interface ArgoApplicationRef {
  instance: string;
  name: string;
  namespace?: string;
  project?: string;
  /** Link to the Application in the Argo CD UI. */
  url?: string;
}

/**
 * One step of a deployment, e.g. `committed` or `healthy`.
 *
 * @public
 */
export interface DeploymentStep {
  name: string;
  at: string;
  message?: string;
}

/**
 * A deployment record: who asked for what, when, and what happened since.
 *
 * @public
 */
export interface DeploymentRecord {
  id: string;
  entityRef: string;
  environment: string;
  action: 'deploy' | 'promote' | 'rollback' | 'release';
  actor: string;
  fromVersion?: string;
  toVersion: string;
  status:
    | 'pending'
    | 'committed'
    | 'pr-opened'
    | 'syncing'
    | 'healthy'
    | 'degraded'
    | 'failed'
    /** A later deployment of the same target landed before Argo CD synced this one. */
    | 'superseded'
    /** Its pull request was closed without being merged: nothing was deployed. */
    | 'abandoned';
  commitSha?: string;
  /** Link to the commit for people, when the repository has a web UI. */
  commitUrl?: string;
  pullRequestUrl?: string;
  /** Records of one release share the change set (one commit or pull request). */
  changeSetId?: string;
  /** The manifest repository written to. */
  repository?: string;
  /** The Argo CD Application that deploys it, as located when the record was made. */
  argocd?: { instance: string; namespace?: string; name: string };
  createdAt: string;
  steps: DeploymentStep[];
}

/**
 * A sync hook's result in an Argo CD operation, e.g. a PreSync migration Job
 * (`syncResult.resources[]` entries with a `hookType`). Argo CD may delete a
 * hook's resource afterwards, so this can be the only trace of it.
 *
 * @public
 */
export interface OperationHook {
  /** `PreSync`, `Sync`, `PostSync`, `SyncFail` or `Skip`. */
  hookType?: string;
  kind?: string;
  name?: string;
  /** The hook's operation phase: `Running`, `Succeeded`, `Failed`, `Error`, `Terminating`. */
  phase?: string;
  message?: string;
}

/**
 * What Argo CD last said about a target, from Shipdeck's snapshot.
 *
 * @public
 */
export interface EnvironmentStatus {
  sync: 'Synced' | 'OutOfSync' | 'Unknown';
  health:
    | 'Healthy'
    | 'Progressing'
    | 'Degraded'
    | 'Suspended'
    | 'Missing'
    | 'Unknown';
  healthMessage?: string;
  /** The Git revision Argo CD compares with (the branch head it resolved). */
  revision?: string;
  /** Every image running in the Application (old and new mid-rollout). */
  images: string[];
  /** The tag or digest of the service's own image among them. */
  version?: string;
  operation?: {
    phase: string;
    startedAt?: string;
    finishedAt?: string;
    message?: string;
    /** Its hooks, e.g. a failed PreSync migration Job and why it failed. */
    hooks?: OperationHook[];
  };
  /** Argo Rollouts state when the Application has a Rollout. */
  rollout?: { name: string; health: string; message?: string };
  /** When Shipdeck last looked at this Application. */
  observedAt: string;
  /** True when the Argo CD instance could not be read lately: the data is old. */
  stale: boolean;
}

/**
 * One environment of one entity: what the page shows per pipeline stage.
 *
 * @public
 */
export interface EntityEnvironment {
  environment: Environment;
  manifest: ManifestLocation;
  argocd: ArgoApplicationRef;
  lastDeployment?: DeploymentRecord;
  /** Absent until Shipdeck has seen the Application. */
  status?: EnvironmentStatus;
  /** Why there is no status, e.g. the Application does not exist in Argo CD. */
  statusError?: string;
  /** A pull request Shipdeck opened for this environment that is still open. */
  pendingPullRequest?: PullRequestInfo & { deploymentId?: string };
  /** Runs another version than the environment it promotes from. */
  lag?: EnvironmentLag;
  /** OutOfSync with no Shipdeck change in flight (see `assessLag`). */
  drifted?: boolean;
}

/**
 * Response of `GET /entities/{namespace}/{kind}/{name}/environments`.
 *
 * @public
 */
export interface EntityEnvironmentsResponse {
  entityRef: string;
  /**
   * False when the entity carries none of Shipdeck's or Argo CD's annotations;
   * `environments` is then empty and the UI explains what to add.
   */
  managed: boolean;
  environments: EntityEnvironment[];
  /** When this answer was assembled. */
  observedAt: string;
}

/**
 * One entry of an entity's timeline: a Shipdeck deployment record or
 * something Argo CD did (sync, hook, health change, history entry).
 *
 * @public
 */
export interface TimelineEvent {
  id: string;
  at: string;
  environment: string;
  kind:
    | 'deployment'
    | 'health'
    | 'sync-status'
    | 'operation-started'
    | 'operation'
    | 'deployed';
  summary: string;
  actor?: string;
  revision?: string;
  fromVersion?: string;
  toVersion?: string;
  /** The Shipdeck deployment this event belongs to, matched by revision. */
  deploymentId?: string;
  /**
   * What the event moved, as data rather than text: the health before and
   * after (`health`), the sync status (`sync-status`), the operation phase
   * (`operation`, `operation-started`). Absent on deployment records and on
   * events stored before it was recorded.
   */
  state?: { from?: string; to: string };
  links: Array<{ title: string; url: string }>;
  /**
   * A deployment still waiting for its pull request: where review and
   * checks stand, as Shipdeck last looked.
   */
  pullRequest?: PullRequestInfo;
  details?: Record<string, unknown>;
}

/**
 * Response of `GET /entities/{namespace}/{kind}/{name}/timeline`.
 *
 * @public
 */
export interface TimelineResponse {
  events: TimelineEvent[];
  /** Pass as `before` to get the next, older page; absent on the last page. */
  nextBefore?: string;
}

/**
 * What kind of change a timeline entry is: a Shipdeck deployment (deploy,
 * promotion, rollback or release), an Argo CD sync that did not come from
 * Shipdeck, a health incident (Degraded or Missing until Healthy again), or
 * Argo CD status changes that belong to none of these (drift, a restart).
 *
 * @public
 */
export type TimelineChangeKind = 'deployment' | 'sync' | 'incident' | 'status';

/**
 * Every {@link TimelineChangeKind}, in the order the timeline's filters list them.
 *
 * @public
 */
export const TIMELINE_CHANGE_KINDS: readonly TimelineChangeKind[] = [
  'deployment',
  'sync',
  'incident',
  'status',
];

/**
 * How a change went, for icon and colour at a glance.
 *
 * @public
 */
export type TimelineChangeOutcome =
  /** Rolled out and healthy (a deployment or an outside sync). */
  | 'healthy'
  /** Still moving: committed, syncing, progressing. */
  | 'in-progress'
  /** Waiting for its pull request. */
  | 'waiting'
  | 'degraded'
  | 'failed'
  | 'superseded'
  | 'abandoned'
  /** An incident that has not ended. */
  | 'ongoing'
  /** An incident that ended Healthy. */
  | 'restored'
  /** Status changes that left the Application out of sync. */
  | 'out-of-sync'
  /** Status changes with nothing to worry about. */
  | 'info';

/**
 * One entry of an entity's timeline of changes, with the Argo CD events that
 * belong to it.
 *
 * @public
 */
export interface TimelineChange {
  /** `deployment:<id>`, or `<kind>:<id of its first Argo CD event>`. */
  id: string;
  kind: TimelineChangeKind;
  environment: string;
  /** When it started: the record's creation, or its first Argo CD event. */
  at: string;
  /** When its last event happened (an incident: when it was Healthy again). */
  endedAt?: string;
  /** An incident that ended: from Degraded (or Missing) to Healthy. */
  durationSeconds?: number;
  outcome: TimelineChangeOutcome;
  summary: string;
  /** A deployment's action. */
  action?: DeploymentRecord['action'];
  /** The record's status, for a deployment. */
  status?: DeploymentRecord['status'];
  actor?: string;
  /** The Git revision it deployed. */
  revision?: string;
  fromVersion?: string;
  toVersion?: string;
  deploymentId?: string;
  changeSetId?: string;
  /** A deployment's steps (committed, synced, healthy…). */
  steps?: DeploymentStep[];
  links: Array<{ title: string; url: string }>;
  /** A deployment waiting for its pull request: review and checks. */
  pullRequest?: PullRequestInfo;
  /** The Argo CD events that belong to it, oldest first. */
  events: TimelineEvent[];
}

/**
 * Filters and paging of an entity's timeline of changes.
 *
 * @public
 */
export interface TimelineChangesQuery {
  environment?: string;
  kinds?: TimelineChangeKind[];
  /** A change's `at`: only changes that started earlier. */
  before?: string;
  limit?: number;
}

/**
 * Response of `GET /entities/{namespace}/{kind}/{name}/changes`.
 *
 * @public
 */
export interface TimelineChangesResponse {
  changes: TimelineChange[];
  /** Pass as `before` to get the next, older page; absent on the last page. */
  nextBefore?: string;
}

/**
 * One row of the on-call overview: a service in an environment.
 *
 * @public
 */
export interface OverviewRow {
  entityRef: string;
  title: string;
  owner?: string;
  system?: string;
  environment: string;
  order: number;
  status?: EnvironmentStatus;
  statusError?: string;
  lastDeployment?: OverviewDeployment;
  argocdUrl?: string;
  /** Runs another version than the environment it promotes from. */
  lag?: EnvironmentLag;
  /** OutOfSync with no Shipdeck change in flight (see `assessLag`). */
  drifted?: boolean;
}

/**
 * The latest deployment of a target as the overview shows it: who changed
 * what and when. The backend leaves out its steps (they are on the entity
 * page), the largest part of a record.
 *
 * @public
 */
export type OverviewDeployment = Omit<DeploymentRecord, 'steps'> & {
  steps?: DeploymentRecord['steps'];
};

/**
 * Counts over every row that matches the overview's filters, on every page.
 *
 * @public
 */
export interface OverviewCounts {
  targets: number;
  services: number;
  problems: number;
  degraded: number;
  /** No Application seen (and not awaiting review), or health Missing. */
  missing: number;
  awaitingReview: number;
  outOfSync: number;
  progressing: number;
  stale: number;
  bySeverity: Record<OverviewSeverity, number>;
}

/**
 * How loudly a target should speak: its colour and its part of the summary bar.
 *
 * @public
 */
export type OverviewSeverity = 'error' | 'warning' | 'running' | 'ok';

/**
 * Response of `GET /overview`. Services are paged (`limit`, `offset`), never
 * split: `rows` holds every matching environment of the page's services.
 *
 * @public
 */
export interface OverviewResponse {
  rows: OverviewRow[];
  observedAt: string;
  /** Over every matching row, not only this page's. */
  summary?: OverviewCounts;
  /** Where this answer is among the matching services. */
  page?: {
    offset: number;
    limit: number;
    /** Services that match the filters, on every page. */
    services: number;
  };
  /** Owners and systems of every service the caller may see, for the filter menus. */
  facets?: { owners: string[]; systems: string[] };
}

/**
 * Which services of the overview to answer with.
 *
 * @public
 */
export interface OverviewPage {
  offset?: number;
  limit?: number;
}

/**
 * A pull request of a manifest repository that Shipdeck opened.
 *
 * @public
 */
export interface PullRequestInfo {
  number: number;
  url: string;
  state: 'open' | 'closed' | 'merged';
  /**
   * Where review stands, from the latest review of each reviewer: any
   * `changes-requested` wins over `approved`; absent when nobody reviewed
   * or Shipdeck has not looked yet.
   */
  review?: 'approved' | 'changes-requested';
  /**
   * The head commit's checks and commit statuses together: `failing` when
   * any failed, `pending` while any runs, `passing` when all passed;
   * absent when there are none.
   */
  checks?: 'passing' | 'failing' | 'pending';
}

/**
 * Response of the deploy, promote and roll back routes: 202 when something
 * was written, 200 with `unchanged: true` when every target already ran it.
 *
 * @public
 */
export interface DeploymentOutcome {
  unchanged: boolean;
  message: string;
  changeSetId?: string;
  commitSha?: string;
  commitUrl?: string;
  pullRequest?: PullRequestInfo & { created?: boolean };
  /** The manifest files the change set wrote, relative to the repository root. */
  files?: string[];
  deployments: DeploymentRecord[];
}

/**
 * A deploy, promote or roll back request, as the entity routes take it.
 *
 * @public
 */
export type DeploymentRequest =
  | { type: 'deploy'; environment: string; version?: string; gitRef?: string }
  | { type: 'promote'; from: string; to: string }
  | { type: 'rollback'; environment: string; to: string };

/**
 * What a deployment would change, answered with `dryRun: true`: nothing is
 * written, but the request is validated and authorized as the real one.
 *
 * @public
 */
export interface DeploymentPreview {
  dryRun: true;
  /** True when every target already runs the version: confirming does nothing. */
  unchanged: boolean;
  summary: string;
  /** How the change would land in the environment. */
  mode: 'commit' | 'pull-request';
  repository: string;
  branch: string;
  changes: Array<{
    entityRef: string;
    environment: string;
    /** The manifest file, relative to the repository root. */
    path: string;
    fromVersion?: string;
    toVersion: string;
    /** Unified diff of the file; empty when it would not change. */
    diff: string;
  }>;
}

/**
 * Response of merging a pull request Shipdeck opened (local manifest
 * repositories; on GitHub people merge on GitHub).
 *
 * @public
 */
export interface MergeOutcome {
  message: string;
  pullRequest: PullRequestInfo;
  commitSha: string;
  /** The deployment records of the pull request, now moving on. */
  deployments: DeploymentRecord[];
}

/**
 * The rollout actions of an Argo Rollout.
 *
 * @public
 */
export type RolloutAction = 'promote' | 'promote-full' | 'abort' | 'retry';

/**
 * Response of the Argo CD action routes (sync, refresh, rollout actions…).
 *
 * @public
 */
export interface ArgoActionOutcome {
  application: { instance: string; name: string; namespace?: string };
  url?: string;
  /** What Argo CD said right after the action. */
  state: string;
  message: string;
}

/**
 * Filters of `GET /overview`.
 *
 * @public
 */
export interface OverviewFilter {
  owner?: string;
  system?: string;
  environment?: string;
  status?: 'all' | 'problems' | 'healthy' | 'behind' | 'drifted';
  changedWithinHours?: number;
}

/**
 * Filters and paging of an entity's timeline.
 *
 * @public
 */
export interface TimelineQuery {
  environment?: string;
  types?: TimelineEvent['kind'][];
  /** An event's `at`: only older events. */
  before?: string;
  limit?: number;
}

/**
 * Delivery metrics (DORA) of one environment over the window.
 *
 * @public
 */
export interface EnvironmentMetrics {
  environment: string;
  /**
   * Changes deployed in the window, each counted once: Shipdeck records
   * created in it (not abandoned ones) and Argo CD syncs that did not come
   * from Shipdeck.
   */
  deployments: number;
  /** Of `deployments`, the syncs that did not come from Shipdeck. */
  outsideSyncs?: number;
  deploymentsPerWeek: number;
  /** One entry per day of the window, oldest first (UTC dates, YYYY-MM-DD). */
  daily: Array<{ date: string; deployments: number; failures: number }>;
  /**
   * From the first Shipdeck deployment of a version (in any environment) to
   * it being healthy here; absent without samples.
   */
  leadTime?: { medianSeconds: number; p90Seconds: number; samples: number };
  /**
   * Finished deployments that ended degraded or failed, or were rolled back;
   * outside syncs count when their operation failed.
   */
  changeFailureRate?: { failed: number; total: number; rate: number };
  /** From health turning Degraded (or Missing) to Healthy again. */
  timeToRestore?: { medianSeconds: number; samples: number };
}

/**
 * Response of `GET /metrics`.
 *
 * @public
 */
export interface MetricsResponse {
  /** The entity the figures are for; absent for every entity the caller may see. */
  entityRef?: string;
  /** How many entities the figures cover. */
  entities?: number;
  from: string;
  to: string;
  days: number;
  environments: EnvironmentMetrics[];
}

/**
 * The signal channel Shipdeck publishes on when a deployment or an
 * Application of an entity changed. Messages carry identifiers only; clients
 * refetch through the permission-checked API.
 *
 * @public
 */
export const GITOPS_SIGNAL_CHANNEL = 'gitops:deployment';

/**
 * A message on {@link GITOPS_SIGNAL_CHANNEL}.
 *
 * @public
 */
export type GitopsSignal = {
  entityRef: string;
  environment?: string;
  deploymentId?: string;
  status?: DeploymentRecord['status'];
};

/**
 * A file to land in a manifest repository for a new (or changed) service.
 *
 * @public
 */
export interface ManifestFile {
  /** Relative to the repository root, e.g. `cart/overlays/dev/kustomization.yaml`. */
  path: string;
  content: string;
  /**
   * The environment the file belongs to, if any: a file of an environment
   * whose changes go by pull request lands in the pull request.
   */
  environment?: string;
}

/**
 * Body of `POST /entities/{namespace}/{kind}/{name}/manifests`: lands a
 * service's generated manifests (and Argo CD Applications) through
 * Shipdeck's write path.
 *
 * @public
 */
export interface ManifestPublishRequest {
  files: ManifestFile[];
  /** Defaults to `gitops.manifests.repo`. */
  repository?: string;
  /** Defaults to `gitops.manifests.branch`. */
  branch?: string;
  /**
   * True: everything lands as one pull request. Default: files of
   * environments whose policy is a pull request land as one pull request,
   * the rest as one commit on the branch.
   */
  pullRequest?: boolean;
  /** Replace files that exist with other content. Default false: refused. */
  overwrite?: boolean;
  /** Commit message (and pull request title); a default names the service. */
  message?: string;
}

/**
 * What one published file did.
 *
 * @public
 */
export interface PublishedFile {
  path: string;
  /** `created`, `updated`, or `unchanged` (the same content was already there). */
  status: 'created' | 'updated' | 'unchanged';
  /** Where it landed: the commit on the branch, or the pull request. */
  landing: 'commit' | 'pull-request';
  /** Link to the file on the branch it landed on, when there is one. */
  url?: string;
}

/**
 * Answer of a manifest publish: a commit, a pull request, or both (the
 * commit first) when some environments take changes by pull request.
 *
 * @public
 */
export interface ManifestPublishOutcome {
  unchanged: boolean;
  message: string;
  repository: string;
  branch: string;
  commitSha?: string;
  commitUrl?: string;
  pullRequest?: PullRequestInfo & { created?: boolean };
  files: PublishedFile[];
  /**
   * One record per environment the files put a version in (read from the
   * published catalog entity's annotations), followed to Healthy like any
   * deployment; empty when there is no entity to read them from.
   */
  deployments: DeploymentRecord[];
}

/**
 * A manifest publish as a dry run: what would land where, nothing written.
 *
 * @public
 */
export interface ManifestPublishPreview {
  dryRun: true;
  unchanged: boolean;
  repository: string;
  branch: string;
  files: Array<PublishedFile & { diff: string }>;
}

/**
 * The organisation's default manifest repository, from `GET /environments`:
 * what templates publish to and point Argo CD Applications at.
 *
 * @public
 */
export interface ManifestRepositoryInfo {
  /** Shipdeck's id, e.g. `github.com/acme/deploy` or `local:demo`. */
  repository: string;
  /** The branch Argo CD watches. */
  branch: string;
  /** The repository as Argo CD Applications name it (`spec.source.repoURL`). */
  repoURL: string;
  /**
   * Where it is hosted, which decides the words for its change requests
   * (see `changeRequestTerms`). Older backends do not send it.
   */
  provider?: RepositoryProvider;
}
