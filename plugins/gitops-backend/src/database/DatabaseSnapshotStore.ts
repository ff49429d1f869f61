import { Knex } from 'knex';
import { isoTimestamp } from './dates';
import {
  AppEvent,
  AppKey,
  AppSnapshot,
  InstanceStatus,
  ListEventsOptions,
  SnapshotStore,
  StoredAppEvent,
} from './SnapshotStore';

interface SnapshotRow {
  instance: string;
  namespace: string;
  name: string;
  application: string;
  observed_at: Date | string;
  fetched_at: Date | string | null;
}

interface InstanceRow {
  instance: string;
  last_attempt_at: Date | string;
  last_success_at: Date | string | null;
  last_error: string | null;
}

interface EventRow {
  id?: number;
  instance: string;
  namespace: string;
  app: string;
  type: string;
  at: Date | string;
  revision: string | null;
  summary: string;
  details: string | null;
  dedupe_key: string;
  from_state?: string | null;
  to_state?: string | null;
}

/** {@link SnapshotStore} on the plugin's knex database (SQLite or PostgreSQL). */
export class DatabaseSnapshotStore implements SnapshotStore {
  constructor(private readonly knex: Knex) {}

  async listInstance(instance: string): Promise<AppSnapshot[]> {
    const rows = await this.knex<SnapshotRow>('gitops_app_snapshots').where({
      instance,
    });
    return rows.map(toSnapshot);
  }

  async listAll(): Promise<AppSnapshot[]> {
    const rows = await this.knex<SnapshotRow>('gitops_app_snapshots').orderBy([
      'instance',
      'namespace',
      'name',
    ]);
    return rows.map(toSnapshot);
  }

  async getMany(keys: AppKey[]): Promise<AppSnapshot[]> {
    const snapshots: AppSnapshot[] = [];
    // In batches: one OR clause per key, and SQLite caps expression depth at 1000.
    for (let i = 0; i < keys.length; i += 200) {
      const rows = await this.knex<SnapshotRow>('gitops_app_snapshots').where(
        builder => {
          for (const key of keys.slice(i, i + 200)) {
            builder.orWhere({
              instance: key.instance,
              namespace: key.namespace,
              name: key.name,
            });
          }
        },
      );
      snapshots.push(...rows.map(toSnapshot));
    }
    return snapshots;
  }

  /**
   * Replaces an instance's snapshot with what was just listed: upserts every
   * app, deletes the ones that are gone.
   */
  async replaceInstance(
    instance: string,
    snapshots: AppSnapshot[],
  ): Promise<void> {
    await this.knex.transaction(async tx => {
      const rows = snapshots.map(s => ({
        instance,
        namespace: s.namespace,
        name: s.name,
        application: JSON.stringify(s.application),
        observed_at: new Date(s.observedAt),
        fetched_at: s.fetchedAt ? new Date(s.fetchedAt) : null,
      }));
      for (let i = 0; i < rows.length; i += 200) {
        await tx<SnapshotRow>('gitops_app_snapshots')
          .insert(rows.slice(i, i + 200))
          .onConflict(['instance', 'namespace', 'name'])
          .merge(['application', 'observed_at', 'fetched_at']);
      }
      const keep = new Set(rows.map(r => `${r.namespace}/${r.name}`));
      const existing = await tx<SnapshotRow>('gitops_app_snapshots')
        .where({ instance })
        .select('namespace', 'name');
      const gone = existing.filter(r => !keep.has(`${r.namespace}/${r.name}`));
      for (const row of gone) {
        await tx('gitops_app_snapshots')
          .where({ instance, namespace: row.namespace, name: row.name })
          .delete();
      }
    });
  }

  async recordAttempt(
    instance: string,
    outcome: { at: string; error?: string },
  ): Promise<void> {
    const row: InstanceRow = {
      instance,
      last_attempt_at: new Date(outcome.at),
      last_success_at: outcome.error ? null : new Date(outcome.at),
      last_error: outcome.error ?? null,
    };
    const merge: Array<keyof InstanceRow> = outcome.error
      ? ['last_attempt_at', 'last_error']
      : ['last_attempt_at', 'last_success_at', 'last_error'];
    await this.knex<InstanceRow>('gitops_instance_status')
      .insert(row)
      .onConflict('instance')
      .merge(merge);
  }

  async instanceStatuses(): Promise<Map<string, InstanceStatus>> {
    const rows = await this.knex<InstanceRow>('gitops_instance_status');
    return new Map(
      rows.map(r => [
        r.instance,
        {
          instance: r.instance,
          lastAttemptAt: isoTimestamp(r.last_attempt_at),
          ...(r.last_success_at
            ? { lastSuccessAt: isoTimestamp(r.last_success_at) }
            : {}),
          ...(r.last_error ? { lastError: r.last_error } : {}),
        },
      ]),
    );
  }

  async appendEvents(events: AppEvent[]): Promise<void> {
    for (let i = 0; i < events.length; i += 200) {
      await this.knex<EventRow>('gitops_timeline_events')
        .insert(
          events.slice(i, i + 200).map(e => ({
            instance: e.instance,
            namespace: e.namespace,
            app: e.app,
            type: e.type,
            at: new Date(e.at),
            revision: e.revision ?? null,
            summary: e.summary,
            from_state: e.state?.from ?? null,
            to_state: e.state?.to ?? null,
            details: e.details ? JSON.stringify(e.details) : null,
            dedupe_key: e.dedupeKey.slice(0, 255),
          })),
        )
        .onConflict('dedupe_key')
        .ignore();
    }
  }

  /**
   * Events of some Applications, newest first, before an event id or time;
   * with `sinceAt`, the ones at or after it, oldest first.
   */
  async listEvents(
    apps: AppKey[],
    options: ListEventsOptions,
  ): Promise<StoredAppEvent[]> {
    if (!apps.length) return [];
    const query = this.knex<EventRow>('gitops_timeline_events')
      .where(builder => {
        for (const key of apps) {
          builder.orWhere({
            instance: key.instance,
            namespace: key.namespace,
            app: key.name,
          });
        }
      })
      .orderBy(
        ['at', 'id'].map(column => ({
          column,
          order: options.sinceAt ? 'asc' : 'desc',
        })),
      )
      .limit(options.limit);
    if (options.sinceAt) query.where('at', '>=', new Date(options.sinceAt));
    if (options.before !== undefined) query.where('id', '<', options.before);
    if (options.beforeAt) query.where('at', '<', new Date(options.beforeAt));
    if (options.types?.length) query.whereIn('type', options.types);
    const rows = await query;
    return rows.map(r => ({
      id: Number(r.id),
      instance: r.instance,
      namespace: r.namespace,
      app: r.app,
      type: r.type as AppEvent['type'],
      at: isoTimestamp(r.at),
      ...(r.revision ? { revision: r.revision } : {}),
      summary: r.summary,
      ...(r.to_state
        ? {
            state: {
              ...(r.from_state ? { from: r.from_state } : {}),
              to: r.to_state,
            },
          }
        : {}),
      ...(r.details ? { details: JSON.parse(r.details) } : {}),
    }));
  }
}

function toSnapshot(row: SnapshotRow): AppSnapshot {
  return {
    instance: row.instance,
    namespace: row.namespace,
    name: row.name,
    application: JSON.parse(row.application),
    observedAt: isoTimestamp(row.observed_at),
    ...(row.fetched_at ? { fetchedAt: isoTimestamp(row.fetched_at) } : {}),
  };
}
