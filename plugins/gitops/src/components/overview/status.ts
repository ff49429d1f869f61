import {
  isAwaitingReview,
  isOverviewProblem,
  overviewSeverity,
  OverviewRow,
  OverviewSeverity,
} from '@shipdeck/plugin-gitops-common';
import { displayVersion } from '../format';

import { SYNC_LABEL } from '../statusIcons';

export { HEALTH_ICON, SYNC_ICON, SYNC_LABEL } from '../statusIcons';

/** How loudly a cell should speak: drives its colour and the summary bar. */
export type Severity = OverviewSeverity;

/** The same rule as the backend's overview ordering (gitops-common). */
export const isProblem = isOverviewProblem;

/** The same rule as the backend's summary counts (gitops-common). */
export const severity = overviewSeverity;

/** The accessible name of a cell's link, e.g. "cart in production: 1.4.2, Degraded, Synced". */
export function describeCell(row: OverviewRow): string {
  const where = `${row.title} in ${row.environment}`;
  const status = row.status;
  if (!status) {
    return `${where}: ${
      isAwaitingReview(row) ? 'awaiting review' : 'no status'
    }${row.statusError ? `, ${row.statusError}` : ''}`;
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
