import { DeploymentRecord } from '@shipdeck/plugin-gitops-common';
import { AppEvent, AppKey } from './SnapshotStore';

/** What the delivery metrics need of a deployment record. */
export interface MetricsRecord {
  id: string;
  entityRef: string;
  environment: string;
  action: DeploymentRecord['action'];
  fromVersion?: string;
  toVersion: string;
  status: DeploymentRecord['status'];
  createdAt: string;
  /** The manifest commit: Argo CD events at it belong to this record. */
  commitSha?: string;
  /** When the record first reached its `healthy` step. */
  healthyAt?: string;
}

/**
 * A stored Argo CD event as the metrics group it with the records: health
 * changes (incidents), operations and history entries (outside syncs).
 */
export interface MetricsEvent {
  id: number;
  instance: string;
  namespace: string;
  app: string;
  type: AppEvent['type'];
  at: string;
  revision?: string;
  state?: { from?: string; to: string };
}

/**
 * The reads behind `GET /metrics`: aggregates over deployment records, their
 * steps and the stored Argo CD events, done in the database rather than by
 * loading whole records with every step.
 */
export interface MetricsStore {
  /**
   * The entities' records created in `[from, to)`, oldest first; abandoned
   * ones (their pull request closed unmerged) deployed nothing and are left
   * out.
   */
  deploymentsBetween(
    entityRefs: string[],
    range: { from: string; to: string },
  ): Promise<MetricsRecord[]>;
  /**
   * When each of the entities' versions was first deployed by Shipdeck, in
   * any environment and at any time: where a change's lead time starts.
   * Keyed `entityRef|version`.
   */
  firstDeployments(entityRefs: string[]): Promise<Map<string, string>>;
  /**
   * Health changes, operations and history entries of some Applications in
   * `[from, to)`, in no particular order (grouping orders them), with the
   * state they moved to.
   */
  appEvents(
    apps: AppKey[],
    range: { from: string; to: string },
  ): Promise<MetricsEvent[]>;
}
