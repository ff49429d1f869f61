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
      const rows = await this.knex('gitops_deployments')
        .select(
          'id',
          'entity_ref',
          'environment',
          'action',
          'from_version',
          'to_version',
          'status',
          'created_at',
          'commit_sha',
        )
        .whereIn('entity_ref', refs)
        .whereNot('status', 'abandoned')
        .where('created_at', '>=', new Date(range.from))
        .where('created_at', '<', new Date(range.to));
      const healthy = await this.#healthyAt(rows.map(r => r.id));
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
          ...(healthy.has(row.id) ? { healthyAt: healthy.get(row.id) } : {}),
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
   * `[from, to)`, oldest first, with what they moved as stored columns.
   */
  async appEvents(
    apps: AppKey[],
    range: { from: string; to: string },
  ): Promise<MetricsEvent[]> {
    const events: MetricsEvent[] = [];
    for (const keys of batches(apps)) {
      const rows = await this.knex('gitops_timeline_events')
        .select(
          'id',
          'instance',
          'namespace',
          'app',
          'type',
          'at',
          'revision',
          'from_state',
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
        })
        .orderBy([
          { column: 'at', order: 'asc' },
          { column: 'id', order: 'asc' },
        ]);
      for (const row of rows) {
        events.push({
          id: Number(row.id),
          instance: row.instance,
          namespace: row.namespace,
          app: row.app,
          type: row.type,
          at: isoTimestamp(row.at),
          ...(row.revision ? { revision: row.revision } : {}),
          ...(row.to_state
            ? {
                state: {
                  ...(row.from_state ? { from: row.from_state } : {}),
                  to: row.to_state,
                },
              }
            : {}),
        });
      }
    }
    return events.sort((a, b) => a.at.localeCompare(b.at) || a.id - b.id);
  }

  async #healthyAt(ids: string[]): Promise<Map<string, string>> {
    const healthy = new Map<string, string>();
    for (const batch of batches(ids)) {
      const rows: Array<{
        deployment_id: string;
        healthy_at: Date | string | number;
      }> = await this.knex('gitops_deployment_steps')
        .select('deployment_id')
        .min({ healthy_at: 'at' })
        .whereIn('deployment_id', batch)
        .where({ name: 'healthy' })
        .groupBy('deployment_id');
      for (const row of rows) {
        healthy.set(row.deployment_id, isoTimestamp(row.healthy_at));
      }
    }
    return healthy;
  }
}
