import { OverviewRow } from './types';

/**
 * Whether a service in an environment needs a look: anything but healthy,
 * in sync and freshly observed. A new environment whose Application waits
 * on its pull request is not a problem yet: it is waiting for review.
 * The backend orders and filters the overview by it, the page colours by it.
 *
 * @public
 */
export function isOverviewProblem(row: OverviewRow): boolean {
  if (!row.status) return !isAwaitingReview(row);
  return (
    row.status.health !== 'Healthy' ||
    row.status.sync !== 'Synced' ||
    row.status.stale
  );
}

/**
 * True when the environment has no Application yet and its latest
 * deployment is a pull request waiting for review (a new service's
 * production, say).
 *
 * @public
 */
export function isAwaitingReview(row: OverviewRow): boolean {
  return !row.status && row.lastDeployment?.status === 'pr-opened';
}
