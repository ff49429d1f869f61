import {
  isAwaitingReview,
  isOverviewProblem,
  OverviewRow,
} from '@shipdeck/plugin-gitops-common';
import { displayVersion } from '../format';

import { SYNC_LABEL } from '../statusIcons';

export { HEALTH_ICON, SYNC_ICON, SYNC_LABEL } from '../statusIcons';

/** How loudly a cell should speak: drives its colour and the summary bar. */
export type Severity = 'error' | 'warning' | 'running' | 'ok';

/** The same rule as the backend's overview ordering (gitops-common). */
export const isProblem = isOverviewProblem;

export function severity(row: OverviewRow): Severity {
  const status = row.status;
  // Waiting for review is in flight, not broken.
  if (isAwaitingReview(row)) return 'running';
  if (!status) return 'error';
  if (status.health === 'Degraded' || status.health === 'Missing') {
    return 'error';
  }
  if (status.health === 'Progressing') return 'running';
  if (!isProblem(row)) return 'ok';
  return 'warning';
}

/** The accessible name of a cell's link, e.g. "cart in production: 1.4.2, Degraded, Synced". */
export function describeCell(row: OverviewRow): string {
  const where = `${row.title} in ${row.environment}`;
  const status = row.status;
  if (!status) {
    return `${where}: ${isAwaitingReview(row) ? 'awaiting review' : 'no status'}${
      row.statusError ? `, ${row.statusError}` : ''
    }`;
  }
  const parts = [
    displayVersion(status.version) ?? 'unknown version',
    status.health,
    SYNC_LABEL[status.sync] ?? status.sync,
  ];
  if (status.rollout) parts.push(`rollout ${status.rollout.health}`);
  if (status.stale) parts.push('stale');
  return `${where}: ${parts.join(', ')}`;
}
