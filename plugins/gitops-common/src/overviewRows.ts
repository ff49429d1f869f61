import { OverviewCounts, OverviewRow, OverviewSeverity } from './types';

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

/**
 * How loudly a target should speak: waiting for review is in flight, not
 * broken; no Application, Degraded or Missing is an error.
 *
 * @public
 */
export function overviewSeverity(row: OverviewRow): OverviewSeverity {
  const status = row.status;
  if (isAwaitingReview(row)) return 'running';
  if (!status) return 'error';
  if (status.health === 'Degraded' || status.health === 'Missing') {
    return 'error';
  }
  if (status.health === 'Progressing') return 'running';
  if (!isOverviewProblem(row)) return 'ok';
  return 'warning';
}

/**
 * The overview's summary counts. The backend counts every matching row, so
 * the summary speaks for the whole fleet while the answer holds one page.
 *
 * @public
 */
export function countOverviewRows(rows: OverviewRow[]): OverviewCounts {
  const counts: OverviewCounts = {
    targets: rows.length,
    services: new Set(rows.map(r => r.entityRef)).size,
    problems: 0,
    degraded: 0,
    missing: 0,
    awaitingReview: 0,
    outOfSync: 0,
    progressing: 0,
    stale: 0,
    bySeverity: { error: 0, warning: 0, running: 0, ok: 0 },
  };
  for (const row of rows) {
    const awaiting = isAwaitingReview(row);
    counts.bySeverity[overviewSeverity(row)]++;
    if (isOverviewProblem(row)) counts.problems++;
    if (row.status?.health === 'Degraded') counts.degraded++;
    if ((!row.status && !awaiting) || row.status?.health === 'Missing') {
      counts.missing++;
    }
    if (awaiting) counts.awaitingReview++;
    if (row.status?.sync === 'OutOfSync') counts.outOfSync++;
    if (row.status?.health === 'Progressing') counts.progressing++;
    if (row.status?.stale) counts.stale++;
  }
  return counts;
}
