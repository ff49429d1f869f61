import { Knex } from 'knex';
import { isoTimestamp } from './dates';
import { MetricsEvent, MetricsRecord, MetricsStore } from './MetricsStore';
import { AppEvent, AppKey } from './SnapshotStore';

/** The event types the metrics read; sync status changes count for nothing. */
const METRICS_EVENT_TYPES: AppEvent['type'][] = [
  'health',
  'operation-started',
  'operation',
  'deployed',
];

/** Rows per query: one bound parameter (or OR clause) each, under every engine's limits. */
const BATCH = 200;

function batches<T>(items: T[]): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += BATCH) {
    result.push(items.slice(i, i + BATCH));
  }
  return result;
}

/** {@link MetricsStore} on the plugin's knex database (SQLite or PostgreSQL). */
export class DatabaseMetricsStore implements MetricsStore {
  constructor(private readonly knex: Knex) {}

  /**
   * The entities' records created in `[from, to)`, oldest first; abandoned
   * ones (their pull request closed unmerged) deployed nothing and are left
   * out.
   */
  async deploymentsBetween(
    entityRefs: string[],
    range: { from: string; to: string },
  ): Promise<MetricsRecord[]> {
    const records: MetricsRecord[] = [];
    for (const refs of batches([...new Set(entityRefs)])) {
      const rows = await this.knex('gitops_deployments as d')
        .select(
          'd.id',
          'd.entity_ref',
          'd.environment',
          'd.action',
          'd.from_version',
          'd.to_version',
          'd.status',
          'd.created_at',
          'd.commit_sha',
          // In the same statement: one query per batch, not two.
          this.knex('gitops_deployment_steps as s')
            .min('s.at')
            .whereRaw('s.deployment_id = d.id')
            .where('s.name', 'healthy')
            .as('healthy_at'),
        )
        .whereIn('d.entity_ref', refs)
        .whereNot('d.status', 'abandoned')
        .where('d.created_at', '>=', new Date(range.from))
        .where('d.created_at', '<', new Date(range.to));
      for (const row of rows) {
        records.push({
          id: row.id,
          entityRef: row.entity_ref,
          environment: row.environment,
          action: row.action,
          ...(row.from_version ? { fromVersion: row.from_version } : {}),
          toVersion: row.to_version,
          status: row.status,
          createdAt: isoTimestamp(row.created_at),
          ...(row.commit_sha ? { commitSha: row.commit_sha } : {}),
          ...(row.healthy_at
            ? { healthyAt: isoTimestamp(row.healthy_at) }
            : {}),
        });
      }
    }
    return records.sort(
      (a, b) =>
        a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id),
    );
  }

  /**
   * When each of the entities' versions was first deployed by Shipdeck, in
   * any environment and at any time: where a change's lead time starts.
   * Keyed `entityRef|version`.
   */
  async firstDeployments(entityRefs: string[]): Promise<Map<string, string>> {
    const first = new Map<string, string>();
    for (const refs of batches([...new Set(entityRefs)])) {
      const rows: Array<{
        entity_ref: string;
        to_version: string;
        first_at: Date | string | number;
      }> = await this.knex('gitops_deployments')
        .select('entity_ref', 'to_version')
        .min({ first_at: 'created_at' })
        .whereIn('entity_ref', refs)
        .groupBy('entity_ref', 'to_version');
      for (const row of rows) {
        first.set(
          `${row.entity_ref}|${row.to_version}`,
          isoTimestamp(row.first_at),
        );
      }
    }
    return first;
  }

  /**
   * Health changes, operations and history entries of some Applications in
   * `[from, to)`, in no particular order, with the state they moved to.
   */
  async appEvents(
    apps: AppKey[],
    range: { from: string; to: string },
  ): Promise<MetricsEvent[]> {
    const events: MetricsEvent[] = [];
    for (const keys of batches(apps)) {
      const rows: EventRow[] = await this.knex('gitops_timeline_events')
        .select(
          'id',
          'instance',
          'namespace',
          'app',
          'type',
          'at',
          'revision',
          'to_state',
        )
        .whereIn('type', METRICS_EVENT_TYPES)
        .where('at', '>=', new Date(range.from))
        .where('at', '<', new Date(range.to))
        .where(builder => {
          for (const key of keys) {
            builder.orWhere({
              instance: key.instance,
              namespace: key.namespace,
              app: key.name,
            });
          }
        });
      for (const row of rows) {
        events.push({
          id: Number(row.id),
          instance: row.instance,
          namespace: row.namespace,
          app: row.app,
          type: row.type,
          at: isoTimestamp(row.at),
          ...(row.revision ? { revision: row.revision } : {}),
          ...(row.to_state ? { state: { to: row.to_state } } : {}),
        });
      }
    }
    return events;
  }
}

/** The columns of a stored event the metrics read. */
interface EventRow {
  id: number | string;
  instance: string;
  namespace: string;
  app: string;
  type: AppEvent['type'];
  at: Date | string | number;
  revision?: string | null;
  to_state?: string | null;
}
