import { OverviewRow } from '@shipdeck/plugin-gitops-common';
import { displayVersion } from '../format';

import { SYNC_LABEL } from '../statusIcons';

export { HEALTH_ICON, SYNC_ICON, SYNC_LABEL } from '../statusIcons';

/** How loudly a cell should speak: drives its colour and the summary bar. */
export type Severity = 'error' | 'warning' | 'running' | 'ok';

/**
 * The same rule as the backend's overview ordering: anything but healthy,
 * in sync and freshly observed needs a look.
 */
export function isProblem(row: OverviewRow): boolean {
  return (
    !row.status ||
    row.status.health !== 'Healthy' ||
    row.status.sync !== 'Synced' ||
    row.status.stale
  );
}

export function severity(row: OverviewRow): Severity {
  const status = row.status;
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
    return `${where}: no status${
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
