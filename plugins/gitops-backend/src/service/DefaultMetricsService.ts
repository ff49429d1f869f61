import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { MetricsResponse } from '@shipdeck/plugin-gitops-common';
import { MetricsStore } from '../database/MetricsStore';
import { ApplicationRefs } from '../snapshots/ApplicationRefs';
import { AppKey, appKey, appKeyString } from '../database/SnapshotStore';
import { TargetResolver } from '../targets/TargetResolver';
import { readComponents, readEntity } from './catalogEntities';
import { groupChanges } from './changeGroups';
import { environmentMetrics, metricsWindow } from './deliveryMetrics';
import { MetricsQuery, MetricsService } from './MetricsService';

/** One entity in one environment, the unit changes are grouped by. */
const targetKey = (t: { entityRef: string; environment: string }) =>
  `${t.entityRef}|${t.environment}`;

/**
 * An outage that began this long before the window can still end in it; a
 * longer one is not counted as a restore.
 */
const OUTAGE_LOOKBACK_MS = 30 * 86_400_000;

/**
 * Delivery metrics from the database only: Shipdeck's records and the stored
 * Argo CD events, folded into changes the way the timeline folds them
 * ({@link groupChanges}), so a deployment counts once with its syncs, a sync
 * from outside Shipdeck counts too, and time to restore is the incidents'
 * durations. Entities are read with the caller's credentials, so one the
 * caller cannot see is a 404 and the totals only cover visible ones.
 */
export class DefaultMetricsService implements MetricsService {
  static create(options: {
    catalog: CatalogService;
    targets: TargetResolver;
    metrics: MetricsStore;
    refs: ApplicationRefs;
    now?: () => Date;
  }) {
    return new DefaultMetricsService(
      options.catalog,
      options.targets,
      options.metrics,
      options.refs,
      options.now ?? (() => new Date()),
    );
  }

  private constructor(
    private readonly catalog: CatalogService,
    private readonly targets: TargetResolver,
    private readonly metrics: MetricsStore,
    private readonly refs: ApplicationRefs,
    private readonly now: () => Date,
  ) {}

  async getMetrics(
    query: MetricsQuery,
    options: { credentials: BackstageCredentials },
  ): Promise<MetricsResponse> {
    const entities = query.entityRef
      ? [await readEntity(this.catalog, query.entityRef, options)]
      : (await readComponents(this.catalog, query, options)).filter(e =>
          this.targets.isManaged(e),
        );
    const entityRefs = entities.map(e => stringifyEntityRef(e));
    const window = metricsWindow(this.now(), query.days);

    // Which Application runs which entity's environment, for its events.
    const targetOfApp = new Map<
      string,
      { entityRef: string; environment: string }
    >();
    const apps: AppKey[] = [];
    const located = await Promise.all(entities.map(e => this.#locate(e)));
    located.forEach((targets, i) => {
      for (const target of targets) {
        const key = appKeyString(target.argocd);
        if (targetOfApp.has(key)) continue;
        targetOfApp.set(key, {
          entityRef: entityRefs[i],
          environment: target.environment.name,
        });
        apps.push(appKey(target.argocd));
      }
    });

    // From before the window: outages that end in it, and the records that
    // own syncs in it.
    const since = {
      from: new Date(
        Date.parse(window.from) - OUTAGE_LOOKBACK_MS,
      ).toISOString(),
      to: window.to,
    };
    const [records, firstDeployed, events] = await Promise.all([
      this.metrics.deploymentsBetween(entityRefs, since),
      this.metrics.firstDeployments(entityRefs),
      this.metrics.appEvents(apps, since),
    ]);
    // Grouped per entity and environment, so two services' changes never mix.
    const changes = groupChanges(
      records.map(r => ({ ...r, environment: targetKey(r) })),
      events.flatMap(e => {
        const target = targetOfApp.get(
          appKeyString({
            instance: e.instance,
            namespace: e.namespace,
            name: e.app,
          }),
        );
        return target ? [{ ...e, environment: targetKey(target) }] : [];
      }),
    );
    const inWindow = records.filter(r => r.createdAt >= window.from);
    const environments = this.targets
      .listEnvironments()
      .filter(e => !query.environment || e.name === query.environment);

    return {
      ...(query.entityRef ? { entityRef: entityRefs[0] } : {}),
      entities: entityRefs.length,
      from: window.from,
      to: window.to,
      days: query.days,
      environments: environments.map(environment =>
        environmentMetrics({
          environment: environment.name,
          window,
          records: inWindow.filter(r => r.environment === environment.name),
          firstDeployed,
          changes: changes.filter(c =>
            c.environment.endsWith(`|${environment.name}`),
          ),
        }),
      ),
    };
  }

  async #locate(entity: Entity) {
    if (!this.targets.isManaged(entity)) return [];
    try {
      return await this.refs.locate(entity, this.targets.resolve(entity));
    } catch {
      // A mis-annotated entity still has its records; only its health is unknown.
      return [];
    }
  }
}
