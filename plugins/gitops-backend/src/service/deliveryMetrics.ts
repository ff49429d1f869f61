import { EnvironmentMetrics } from '@shipdeck/plugin-gitops-common';
import { MetricsRecord } from '../database/MetricsStore';
import { ChangeGroup, incidentSeconds } from './changeGroups';

const DAY_MS = 86_400_000;

const FINISHED = new Set<MetricsRecord['status']>([
  'healthy',
  'degraded',
  'failed',
]);
const BROKEN = new Set<MetricsRecord['status']>(['degraded', 'failed']);

/** The window of `days` UTC days ending now: today and the days before it. */
export function metricsWindow(now: Date, days: number) {
  const today = Date.UTC(
    now.getUTCFullYear(),
    now.getUTCMonth(),
    now.getUTCDate(),
  );
  const from = new Date(today - (days - 1) * DAY_MS);
  const dates = Array.from({ length: days }, (_, i) =>
    new Date(from.getTime() + i * DAY_MS).toISOString().slice(0, 10),
  );
  return { from: from.toISOString(), to: now.toISOString(), dates };
}

/** Median of a non-empty list (the mean of the middle two for an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Nearest-rank percentile of a non-empty list: a value that occurred. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

const seconds = (from: string, to: string) =>
  Math.round((Date.parse(to) - Date.parse(from)) / 1000);

const round = (value: number, digits: number) =>
  Math.round(value * 10 ** digits) / 10 ** digits;

/**
 * Whether a later rollback moved the target away from this record's version
 * before another finished deployment replaced it. `later` is the target's
 * records after this one, oldest first.
 */
function rolledBack(record: MetricsRecord, later: MetricsRecord[]): boolean {
  for (const next of later) {
    if (next.action === 'rollback' && next.fromVersion === record.toVersion) {
      return true;
    }
    if (FINISHED.has(next.status) && next.toVersion !== record.toVersion) {
      return false;
    }
  }
  return false;
}

/**
 * One environment's figures from its records in the window (oldest first,
 * any number of entities) and its changes as {@link groupChanges} folds the
 * records and their Applications' events, so a change counts once however
 * many Argo CD events it made.
 *
 * - Deployment frequency counts every record created in the window, but
 *   abandoned ones (never deployed; the store leaves them out), and every
 *   sync that did not come from Shipdeck started in the window.
 * - Lead time runs from the first Shipdeck deployment of the version (any
 *   environment, `firstDeployed`) to the record's `healthy` step; rollbacks
 *   are not new changes and have no lead time.
 * - A finished record (healthy, degraded or failed) is a failure when it
 *   ended degraded or failed, or was later rolled back; a finished outside
 *   sync is one when its operation failed.
 * - Time to restore is an incident's duration, from health turning Degraded
 *   or Missing to the next Healthy, counted when the restore falls in the
 *   window.
 */
export function environmentMetrics(input: {
  environment: string;
  window: { from: string; to: string; dates: string[] };
  records: MetricsRecord[];
  firstDeployed: Map<string, string>;
  /** The environment's changes, from before the window on (outages that end in it). */
  changes: ChangeGroup[];
}): EnvironmentMetrics {
  const { environment, window, records } = input;
  const byTarget = new Map<string, MetricsRecord[]>();
  for (const record of records) {
    const list = byTarget.get(record.entityRef) ?? [];
    list.push(record);
    byTarget.set(record.entityRef, list);
  }
  const failures = new Set<string>();
  for (const list of byTarget.values()) {
    list.forEach((record, i) => {
      if (
        FINISHED.has(record.status) &&
        (BROKEN.has(record.status) || rolledBack(record, list.slice(i + 1)))
      ) {
        failures.add(record.id);
      }
    });
  }
  const inWindow = (at: string) => at >= window.from && at < window.to;
  const outsideSyncs = input.changes.filter(
    c => c.kind === 'sync' && inWindow(c.at),
  );
  const finishedSyncs = outsideSyncs.filter(
    c => c.outcome === 'healthy' || c.outcome === 'failed',
  );
  const failedSyncs = outsideSyncs.filter(c => c.outcome === 'failed');
  const finished = records.filter(r => FINISHED.has(r.status));
  const failed = failures.size + failedSyncs.length;
  const total = finished.length + finishedSyncs.length;

  const daily = new Map(
    window.dates.map(date => [date, { date, deployments: 0, failures: 0 }]),
  );
  const deployed = [
    ...records.map(r => ({ at: r.createdAt, failed: failures.has(r.id) })),
    ...outsideSyncs.map(c => ({ at: c.at, failed: c.outcome === 'failed' })),
  ];
  for (const change of deployed) {
    const day = daily.get(change.at.slice(0, 10));
    if (!day) continue;
    day.deployments += 1;
    if (change.failed) day.failures += 1;
  }

  const leadTimes = records
    .filter(r => r.healthyAt && r.action !== 'rollback')
    .map(r =>
      seconds(
        input.firstDeployed.get(`${r.entityRef}|${r.toVersion}`) ?? r.createdAt,
        r.healthyAt!,
      ),
    );

  const restores = input.changes.flatMap(change =>
    change.kind === 'incident' &&
    change.endedAt &&
    change.endedAt >= window.from
      ? [incidentSeconds(change)!]
      : [],
  );

  const days = window.dates.length;
  return {
    environment,
    deployments: deployed.length,
    ...(outsideSyncs.length ? { outsideSyncs: outsideSyncs.length } : {}),
    deploymentsPerWeek: round((deployed.length * 7) / days, 2),
    daily: [...daily.values()],
    ...(leadTimes.length
      ? {
          leadTime: {
            medianSeconds: Math.round(median(leadTimes)),
            p90Seconds: percentile(leadTimes, 90),
            samples: leadTimes.length,
          },
        }
      : {}),
    ...(total
      ? {
          changeFailureRate: {
            failed,
            total,
            rate: round(failed / total, 4),
          },
        }
      : {}),
    ...(restores.length
      ? {
          timeToRestore: {
            medianSeconds: Math.round(median(restores)),
            samples: restores.length,
          },
        }
      : {}),
  };
}
