import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import {
  DeploymentRecord,
  DeploymentStep,
} from '@shipdeck/plugin-gitops-common';
import {
  DeploymentStore,
  ListForEntityOptions,
  NewDeployment,
} from './DeploymentStore';
import { BranchLeases } from './BranchLeases';
import { DatabaseBranchLeases } from './DatabaseBranchLeases';
import { DatabaseIdempotencyStore } from './DatabaseIdempotencyStore';
import { DatabaseMetricsStore } from './DatabaseMetricsStore';
import { DatabasePullRequestStore } from './DatabasePullRequestStore';
import { DatabaseSnapshotStore } from './DatabaseSnapshotStore';
import { isoTimestamp } from './dates';
import { IdempotencyStore } from './IdempotencyStore';
import { MetricsStore } from './MetricsStore';
import { PullRequestStore } from './PullRequestStore';
import {
  appKeyString,
  DEFAULT_APP_NAMESPACE,
  SnapshotStore,
} from './SnapshotStore';

const migrationsDir = resolvePackagePath(
  '@shipdeck/plugin-gitops-backend',
  'migrations',
);

interface DeploymentRow {
  id: string;
  entity_ref: string;
  environment: string;
  action: DeploymentRecord['action'];
  actor: string;
  from_version: string | null;
  to_version: string;
  status: DeploymentRecord['status'];
  commit_sha: string | null;
  pull_request_url: string | null;
  change_set_id: string | null;
  repository: string | null;
  commit_url: string | null;
  argocd_instance: string | null;
  argocd_namespace: string | null;
  argocd_app: string | null;
  created_at: Date | string;
}

interface StepRow {
  deployment_id: string;
  name: string;
  message: string | null;
  at: Date | string;
}

const toStepRow = (deploymentId: string, step: DeploymentStep): StepRow => ({
  deployment_id: deploymentId,
  name: step.name,
  message: step.message ?? null,
  at: new Date(step.at),
});

/** {@link DeploymentStore} on the plugin's knex database (SQLite or PostgreSQL). */
export class DatabaseDeploymentStore implements DeploymentStore {
  static async create(options: { database: DatabaseService }) {
    const knex = await options.database.getClient();
    if (!options.database.migrations?.skip) {
      await knex.migrate.latest({ directory: migrationsDir });
    }
    return new DatabaseDeploymentStore(knex);
  }

  private constructor(private readonly knex: Knex) {}

  /** Argo CD snapshots and timeline events live in the same database. */
  snapshots(): SnapshotStore {
    return new DatabaseSnapshotStore(this.knex);
  }

  /** Idempotency records live in the same database. */
  idempotency(): IdempotencyStore {
    return new DatabaseIdempotencyStore(this.knex);
  }

  /** What Shipdeck learned of its pull requests lives in the same database. */
  pullRequests(): PullRequestStore {
    return new DatabasePullRequestStore(this.knex);
  }

  /** Leases on manifest branches, so replicas take turns writing one. */
  branchLeases(): BranchLeases {
    return new DatabaseBranchLeases(this.knex);
  }

  /** The aggregates behind the delivery metrics read the same database. */
  metrics(): MetricsStore {
    return new DatabaseMetricsStore(this.knex);
  }

  async insert(record: NewDeployment): Promise<DeploymentRecord> {
    const [inserted] = await this.insertMany([record]);
    return inserted;
  }

  async insertMany(records: NewDeployment[]): Promise<DeploymentRecord[]> {
    await this.knex.transaction(async tx => {
      await tx<DeploymentRow>('gitops_deployments').insert(
        records.map(record => ({
          id: record.id,
          entity_ref: record.entityRef,
          environment: record.environment,
          action: record.action,
          actor: record.actor,
          from_version: record.fromVersion ?? null,
          to_version: record.toVersion,
          status: record.status,
          commit_sha: record.commitSha ?? null,
          commit_url: record.commitUrl ?? null,
          pull_request_url: record.pullRequestUrl ?? null,
          change_set_id: record.changeSetId ?? null,
          repository: record.repository ?? null,
          argocd_instance: record.argocd?.instance ?? null,
          argocd_namespace: record.argocd?.namespace ?? null,
          argocd_app: record.argocd?.name ?? null,
          created_at: new Date(record.createdAt),
        })),
      );
      const steps = records.flatMap(record =>
        (record.steps ?? []).map(step => toStepRow(record.id, step)),
      );
      if (steps.length) {
        await tx<StepRow>('gitops_deployment_steps').insert(steps);
      }
    });
    return records.map(record => ({ ...record, steps: record.steps ?? [] }));
  }

  async listInFlight(options: { limit: number }): Promise<DeploymentRecord[]> {
    const rows = await this.knex<DeploymentRow>('gitops_deployments')
      .whereIn('status', ['committed', 'syncing'])
      .whereNotNull('argocd_app')
      .whereNotNull('commit_sha')
      .orderBy('created_at', 'desc')
      .limit(options.limit);
    return this.#withSteps(rows);
  }

  async listByStatus(
    statuses: Array<DeploymentRecord['status']>,
    options: { since?: string; limit: number },
  ): Promise<DeploymentRecord[]> {
    const query = this.knex<DeploymentRow>('gitops_deployments')
      .whereIn('status', statuses)
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(options.limit);
    if (options.since) query.where('created_at', '>=', new Date(options.since));
    return this.#withSteps(await query);
  }

  async listForEntity(
    entityRef: string,
    options: ListForEntityOptions,
  ): Promise<DeploymentRecord[]> {
    const query = this.knex<DeploymentRow>('gitops_deployments')
      .where({ entity_ref: entityRef })
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(options.limit);
    if (options.before)
      query.where('created_at', '<', new Date(options.before));
    if (options.environments?.length)
      query.whereIn('environment', options.environments);
    if (options.commits) query.whereIn('commit_sha', options.commits);
    return this.#withSteps(await query);
  }

  async listForTarget(
    entityRef: string,
    environment: string,
    options: { limit: number },
  ): Promise<DeploymentRecord[]> {
    const rows = await this.knex<DeploymentRow>('gitops_deployments')
      .where({ entity_ref: entityRef, environment })
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(options.limit);
    return this.#withSteps(rows);
  }

  async addStep(
    id: string,
    step: DeploymentStep,
    update: Partial<
      Pick<DeploymentRecord, 'status' | 'commitSha' | 'pullRequestUrl'>
    > = {},
  ): Promise<void> {
    await this.knex.transaction(async tx => {
      await tx<StepRow>('gitops_deployment_steps').insert(toStepRow(id, step));
      const changes: Partial<DeploymentRow> = {};
      if (update.status) changes.status = update.status;
      if (update.commitSha) changes.commit_sha = update.commitSha;
      if (update.pullRequestUrl)
        changes.pull_request_url = update.pullRequestUrl;
      if (Object.keys(changes).length) {
        await tx<DeploymentRow>('gitops_deployments')
          .where({ id })
          .update(changes);
      }
    });
  }

  async get(id: string): Promise<DeploymentRecord | undefined> {
    const row = await this.knex<DeploymentRow>('gitops_deployments')
      .where({ id })
      .first();
    if (!row) {
      return undefined;
    }
    const [record] = await this.#withSteps([row]);
    return record;
  }

  async latestPerTarget(
    entityRefs: string[],
  ): Promise<Map<string, DeploymentRecord>> {
    const result = new Map<string, DeploymentRecord>();
    const unique = [...new Set(entityRefs)];
    for (let i = 0; i < unique.length; i += 200) {
      const rows = await this.knex<DeploymentRow>('gitops_deployments as d')
        .select('d.*')
        .whereIn('d.entity_ref', unique.slice(i, i + 200))
        .whereNotExists(function newer() {
          this.select(this.client.raw('1'))
            .from('gitops_deployments as n')
            .whereRaw('n.entity_ref = d.entity_ref')
            .whereRaw('n.environment = d.environment')
            .where(function later() {
              this.whereRaw('n.created_at > d.created_at').orWhere(
                function tie() {
                  this.whereRaw('n.created_at = d.created_at').andWhereRaw(
                    'n.id > d.id',
                  );
                },
              );
            });
        });
      for (const record of await this.#withSteps(rows)) {
        result.set(`${record.entityRef}|${record.environment}`, record);
      }
    }
    return result;
  }

  async latestPerEnvironment(
    entityRef: string,
  ): Promise<Map<string, DeploymentRecord>> {
    const latest = await this.latestPerTarget([entityRef]);
    return new Map([...latest.values()].map(r => [r.environment, r]));
  }

  async latestPerEnvironmentWithStatus(
    entityRef: string,
    status: DeploymentRecord['status'],
  ): Promise<Map<string, DeploymentRecord>> {
    const rows = await this.knex<DeploymentRow>('gitops_deployments')
      .where({ entity_ref: entityRef, status })
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ]);
    const newest = new Map<string, DeploymentRow>();
    for (const row of rows) {
      if (!newest.has(row.environment)) newest.set(row.environment, row);
    }
    const records = await this.#withSteps([...newest.values()]);
    return new Map(records.map(r => [r.environment, r]));
  }

  async listForRepository(
    repository: string,
    status: DeploymentRecord['status'],
  ): Promise<DeploymentRecord[]> {
    const rows = await this.knex<DeploymentRow>('gitops_deployments')
      .where({ repository, status })
      .orderBy([
        { column: 'created_at', order: 'asc' },
        { column: 'id', order: 'asc' },
      ]);
    return this.#withSteps(rows);
  }

  async targetsOfApplications(
    apps: Array<{ instance: string; namespace?: string; name: string }>,
  ): Promise<Map<string, { entityRef: string; environment: string }>> {
    const wanted = new Set(apps.map(appKeyString));
    const result = new Map<
      string,
      { entityRef: string; environment: string }
    >();
    const unique = [...new Map(apps.map(a => [appKeyString(a), a])).values()];
    for (let i = 0; i < unique.length; i += 200) {
      const rows = await this.knex<DeploymentRow>('gitops_deployments')
        .distinct(
          'entity_ref',
          'environment',
          'argocd_instance',
          'argocd_namespace',
          'argocd_app',
        )
        .where(builder => {
          for (const app of unique.slice(i, i + 200)) {
            builder.orWhere({
              argocd_instance: app.instance,
              argocd_app: app.name,
            });
          }
        });
      for (const row of rows) {
        // Records leave the namespace out when it is Argo CD's own.
        const key = appKeyString({
          instance: row.argocd_instance!,
          namespace: row.argocd_namespace ?? DEFAULT_APP_NAMESPACE,
          name: row.argocd_app!,
        });
        if (wanted.has(key)) {
          result.set(key, {
            entityRef: row.entity_ref,
            environment: row.environment,
          });
        }
      }
    }
    return result;
  }

  async #withSteps(rows: DeploymentRow[]): Promise<DeploymentRecord[]> {
    if (!rows.length) {
      return [];
    }
    const steps = await this.knex<StepRow>('gitops_deployment_steps')
      .whereIn(
        'deployment_id',
        rows.map(r => r.id),
      )
      .orderBy('id', 'asc');
    return rows.map(row => ({
      id: row.id,
      entityRef: row.entity_ref,
      environment: row.environment,
      action: row.action,
      actor: row.actor,
      fromVersion: row.from_version ?? undefined,
      toVersion: row.to_version,
      status: row.status,
      commitSha: row.commit_sha ?? undefined,
      commitUrl: row.commit_url ?? undefined,
      pullRequestUrl: row.pull_request_url ?? undefined,
      changeSetId: row.change_set_id ?? undefined,
      repository: row.repository ?? undefined,
      argocd:
        row.argocd_instance && row.argocd_app
          ? {
              instance: row.argocd_instance,
              name: row.argocd_app,
              ...(row.argocd_namespace
                ? { namespace: row.argocd_namespace }
                : {}),
            }
          : undefined,
      createdAt: isoTimestamp(row.created_at),
      steps: steps
        .filter(s => s.deployment_id === row.id)
        .map(s => ({
          name: s.name,
          at: isoTimestamp(s.at),
          ...(s.message ? { message: s.message } : {}),
        })),
    }));
  }
}
