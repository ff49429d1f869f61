import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { MetricsResponse } from '@shipdeck/plugin-gitops-common';
import { MetricsStore } from '../database/MetricsStore';
import { ApplicationRefs } from '../snapshots/ApplicationRefs';
import { AppKey, appKey, appKeyString } from '../snapshots/SnapshotStore';
import { TargetResolver } from '../targets/TargetResolver';
import { readEntity } from './catalogEntities';
import { environmentMetrics, metricsWindow } from './deliveryMetrics';
import { MetricsQuery, MetricsService } from './MetricsService';

/**
 * An outage that began this long before the window can still end in it; a
 * longer one is not counted as a restore.
 */
const OUTAGE_LOOKBACK_MS = 30 * 86_400_000;

/**
 * Delivery metrics from the database only: Shipdeck's records for frequency,
 * lead time and change failure rate, the stored Argo CD health events for
 * time to restore. Entities are read with the caller's credentials, so one
 * the caller cannot see is a 404 and the totals only cover visible ones.
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
      : (
          await this.catalog.getEntities(
            { filter: { kind: 'component' } },
            options,
          )
        ).items.filter(e => this.targets.isManaged(e));
    const entityRefs = entities.map(e => stringifyEntityRef(e));
    const window = metricsWindow(this.now(), query.days);

    // Which Application runs which environment, for the health events.
    const envOfApp = new Map<string, string>();
    const apps: AppKey[] = [];
    for (const targets of await Promise.all(
      entities.map(e => this.#locate(e)),
    )) {
      for (const target of targets) {
        const key = appKeyString(target.argocd);
        if (envOfApp.has(key)) continue;
        envOfApp.set(key, target.environment.name);
        apps.push(appKey(target.argocd));
      }
    }

    const [records, firstDeployed, health] = await Promise.all([
      this.metrics.deploymentsBetween(entityRefs, window),
      this.metrics.firstDeployments(entityRefs),
      this.metrics.healthTransitions(apps, {
        from: new Date(
          Date.parse(window.from) - OUTAGE_LOOKBACK_MS,
        ).toISOString(),
        to: window.to,
      }),
    ]);

    return {
      ...(query.entityRef ? { entityRef: entityRefs[0] } : {}),
      from: window.from,
      to: window.to,
      days: query.days,
      environments: this.targets.listEnvironments().map(environment =>
        environmentMetrics({
          environment: environment.name,
          window,
          records: records.filter(r => r.environment === environment.name),
          firstDeployed,
          health: health.filter(
            h =>
              envOfApp.get(
                appKeyString({
                  instance: h.instance,
                  namespace: h.namespace,
                  name: h.app,
                }),
              ) === environment.name,
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
