import { EnvironmentMetrics } from '@shipdeck/plugin-gitops-common';
import { HealthTransition, MetricsRecord } from '../database/MetricsStore';

const DAY_MS = 86_400_000;

const FINISHED = new Set<MetricsRecord['status']>([
  'healthy',
  'degraded',
  'failed',
]);
const BROKEN = new Set<MetricsRecord['status']>(['degraded', 'failed']);
const DOWN = new Set(['Degraded', 'Missing']);

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
 * any number of entities) and its Applications' health changes.
 *
 * - Deployment frequency counts every record created in the window, but
 *   abandoned ones (never deployed; the store leaves them out).
 * - Lead time runs from the first Shipdeck deployment of the version (any
 *   environment, `firstDeployed`) to the record's `healthy` step; rollbacks
 *   are not new changes and have no lead time.
 * - A finished record (healthy, degraded or failed) is a failure when it
 *   ended degraded or failed, or was later rolled back.
 * - Time to restore runs from health turning Degraded or Missing to the next
 *   Healthy, counted when the restore falls in the window.
 */
export function environmentMetrics(input: {
  environment: string;
  window: { from: string; to: string; dates: string[] };
  records: MetricsRecord[];
  firstDeployed: Map<string, string>;
  health: HealthTransition[];
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
  const finished = records.filter(r => FINISHED.has(r.status));

  const daily = new Map(
    window.dates.map(date => [date, { date, deployments: 0, failures: 0 }]),
  );
  for (const record of records) {
    const day = daily.get(record.createdAt.slice(0, 10));
    if (!day) continue;
    day.deployments += 1;
    if (failures.has(record.id)) day.failures += 1;
  }

  const leadTimes = records
    .filter(r => r.healthyAt && r.action !== 'rollback')
    .map(r =>
      seconds(
        input.firstDeployed.get(`${r.entityRef}|${r.toVersion}`) ?? r.createdAt,
        r.healthyAt!,
      ),
    );

  const restores: number[] = [];
  const downSince = new Map<string, string>();
  for (const change of input.health) {
    const app = `${change.instance}/${change.namespace}/${change.app}`;
    if (DOWN.has(change.to)) {
      if (!downSince.has(app)) downSince.set(app, change.at);
    } else if (change.to === 'Healthy' && downSince.has(app)) {
      if (change.at >= window.from) {
        restores.push(seconds(downSince.get(app)!, change.at));
      }
      downSince.delete(app);
    }
  }

  const days = window.dates.length;
  return {
    environment,
    deployments: records.length,
    deploymentsPerWeek: round((records.length * 7) / days, 2),
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
    ...(finished.length
      ? {
          changeFailureRate: {
            failed: failures.size,
            total: finished.length,
            rate: round(failures.size / finished.length, 4),
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
