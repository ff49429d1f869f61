import { DeploymentRecord } from '@shipdeck/plugin-gitops-common';
import { DeploymentStore } from '../database/DeploymentStore';
import { appKey, appKeyString, SnapshotStore } from '../database/SnapshotStore';
import { DeploymentNotifier, signalOf } from '../signals/DeploymentNotifier';
import { assessDeployment } from './deploymentProgress';

// Final rollout states end the record; the others keep it syncing.
const RECORD_STATUS: Partial<Record<string, DeploymentRecord['status']>> = {
  healthy: 'healthy',
  degraded: 'degraded',
  failed: 'failed',
};

/**
 * Deployment progress tracking: follows in-flight deployment records in the
 * stored Argo CD snapshot and records each step they reach. The snapshot
 * task runs it after every look (SnapshotRefresher.refreshAll), so every
 * replica sees one record move once.
 */
export class DeploymentProgressTracker {
  readonly #snapshots: SnapshotStore;
  readonly #deployments: DeploymentStore;
  readonly #notifier: DeploymentNotifier;

  constructor(options: {
    snapshots: SnapshotStore;
    deployments: DeploymentStore;
    notifier: DeploymentNotifier;
  }) {
    this.#snapshots = options.snapshots;
    this.#deployments = options.deployments;
    this.#notifier = options.notifier;
  }

  /**
   * Moves in-flight deployment records along committed → syncing → synced →
   * healthy / degraded / failed, as the snapshot shows their commit rolling
   * out. Only the newest record of a target is followed; older ones were
   * overtaken by it.
   */
  async advance(inFlight: DeploymentRecord[]): Promise<void> {
    const newest = new Map<string, DeploymentRecord>();
    for (const record of inFlight) {
      const target = `${record.entityRef}|${record.environment}`;
      const current = newest.get(target);
      if (!current || current.createdAt < record.createdAt) {
        if (current) await this.#supersede(current, record);
        newest.set(target, record);
      } else {
        await this.#supersede(record, current);
      }
    }
    const keys = [...newest.values()].map(r => appKey(r.argocd!));
    const apps = new Map(
      (await this.#snapshots.getMany(keys)).map(s => [
        appKeyString(s),
        s.application,
      ]),
    );
    for (const record of newest.values()) {
      const app = apps.get(appKeyString(record.argocd!));
      if (!app) continue;
      const { state, reason } = assessDeployment(app, {
        revision: record.commitSha,
        startedAfter: record.createdAt,
      });
      const last = record.steps[record.steps.length - 1]?.name;
      if (state === 'pending' || state === last) continue;
      const status = RECORD_STATUS[state] ?? 'syncing';
      await this.#deployments.addStep(
        record.id,
        { name: state, at: new Date().toISOString(), message: reason },
        { status },
      );
      await this.#notifier.notify([signalOf({ ...record, status })]);
    }
  }

  async #supersede(older: DeploymentRecord, newer: DeploymentRecord) {
    await this.#deployments.addStep(
      older.id,
      {
        name: 'superseded',
        at: new Date().toISOString(),
        message: `Overtaken by deployment ${newer.id} (${newer.toVersion})`,
      },
      { status: 'superseded' },
    );
    await this.#notifier.notify([signalOf({ ...older, status: 'superseded' })]);
  }
}
