import { DeploymentRecord } from '@shipdeck/plugin-gitops-common';
import { DeploymentStore } from '../database/DeploymentStore';
import { DeploymentNotifier, signalOf } from '../signals/DeploymentNotifier';

/**
 * Moves the records a pull request carries past it, and tells open pages:
 * merged → a `merged` step at the merge commit and status `committed` (the
 * snapshot refresher then follows them through syncing to healthy, as for
 * a direct commit, and marks older records of the same pull request
 * superseded); closed without merging → a `closed` step and `abandoned`.
 * Every record of the pull request moves, including older ones it carried
 * before it was updated.
 */
export async function recordPullRequestOutcome(
  store: DeploymentStore,
  notifier: DeploymentNotifier,
  records: DeploymentRecord[],
  outcome:
    | { merged: true; commitSha: string; message: string }
    | { merged: false; message: string },
): Promise<DeploymentRecord[]> {
  const at = new Date().toISOString();
  const moved: DeploymentRecord[] = [];
  for (const record of records) {
    await store.addStep(
      record.id,
      {
        name: outcome.merged ? 'merged' : 'closed',
        at,
        message: outcome.message,
      },
      outcome.merged
        ? { status: 'committed', commitSha: outcome.commitSha }
        : { status: 'abandoned' },
    );
    moved.push((await store.get(record.id))!);
  }
  await notifier.notify(moved.map(signalOf));
  return moved;
}
