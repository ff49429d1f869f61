import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  assessLag,
  countOverviewRows,
  DeploymentRecord,
  OverviewDeployment,
  OverviewResponse,
  OverviewRow,
  isOverviewProblem,
} from '@shipdeck/plugin-gitops-common';
import { DeploymentStore } from '../database/DeploymentStore';
import {
  AppKey,
  appKey,
  appKeyString,
  SnapshotStore,
} from '../database/SnapshotStore';
import { InstanceSnapshotCache } from '../snapshots/InstanceSnapshotCache';
import { environmentStatus } from '../snapshots/environmentStatus';
import { TargetResolver } from '../targets/TargetResolver';
import { ApplicationRefs } from '../snapshots/ApplicationRefs';
import { pageLimit, pageOffset } from './pageLimit';

export interface OverviewQuery {
  owner?: string;
  system?: string;
  environment?: string;
  /**
   * `behind`: runs another version than the environment it promotes from;
   * `drifted`: OutOfSync with no Shipdeck change in flight.
   */
  status?: 'all' | 'problems' | 'healthy' | 'behind' | 'drifted';
  changedWithinHours?: number;
  /** Services per answer (each with all its matching environments). */
  limit?: number;
  /** Services to skip, in the answer's order. */
  offset?: number;
}

/**
 * Services per answer when the caller does not say: 100 services × 3
 * environments keep the answer near 150 kB whatever the size of the fleet
 * (2,000 targets in one answer were 850 kB).
 */
export const OVERVIEW_PAGE_SIZE = 100;

// Worst first: what on-call should look at comes on top.
const HEALTH_RANK: Record<string, number> = {
  Degraded: 0,
  Missing: 1,
  Unknown: 2,
  Progressing: 3,
  Suspended: 4,
  Healthy: 5,
};

const isProblem = isOverviewProblem;

/**
 * Every service × environment the caller may see, from one catalog query and
 * three database reads; no Argo CD call however many viewers.
 */
export class OverviewService {
  static create(options: {
    catalog: CatalogService;
    targets: TargetResolver;
    store: DeploymentStore;
    snapshots: SnapshotStore;
    /** After how long without a successful look an instance's data is stale. */
    staleAfterMs: number;
    refs: ApplicationRefs;
    /** Argo CD's page of an Application; undefined for an unknown instance. */
    applicationUrl: (ref: {
      instance: string;
      name: string;
      namespace?: string;
    }) => string | undefined;
  }): OverviewService {
    return new OverviewService(
      options.catalog,
      options.targets,
      options.store,
      options.snapshots,
      new InstanceSnapshotCache(options.snapshots),
      options.staleAfterMs,
      options.refs,
      options.applicationUrl,
    );
  }

  private constructor(
    private readonly catalog: CatalogService,
    private readonly targets: TargetResolver,
    private readonly store: DeploymentStore,
    private readonly snapshots: SnapshotStore,
    private readonly snapshotCache: InstanceSnapshotCache,
    private readonly staleAfterMs: number,
    private readonly refs: ApplicationRefs,
    private readonly applicationUrl: (ref: {
      instance: string;
      name: string;
      namespace?: string;
    }) => string | undefined,
  ) {}

  async getOverview(
    query: OverviewQuery,
    options: { credentials: BackstageCredentials },
  ): Promise<OverviewResponse> {
    const filter: Record<string, string> = { kind: 'component' };
    if (query.system) filter['spec.system'] = query.system;
    const { items } = await this.catalog.getEntities({ filter }, options);
    const entities = items.filter(e => this.targets.isManaged(e));
    const owner = query.owner
      ? stringifyEntityRef(
          parseEntityRef(query.owner, {
            defaultKind: 'group',
            defaultNamespace: 'default',
          }),
        )
      : undefined;
    const owned = entities.filter(
      e => !owner || relationTargets(e, 'ownedBy').includes(owner),
    );
    const located = await Promise.all(
      owned.map(async entity => {
        try {
          const targets = await this.refs.locate(
            entity,
            this.targets.resolve(entity),
          );
          return targets.map(target => ({ entity, target }));
        } catch {
          return []; // a mis-annotated entity shows on its own page, not here
        }
      }),
    );
    // Every environment is read, also under an environment filter: lag
    // compares an environment with the one it promotes from.
    const targets = located.flat();

    const [{ snapshots, instances }, latest] = await Promise.all([
      this.#snapshotsOf(targets.map(({ target }) => appKey(target.argocd))),
      this.store.latestPerTarget(targets.map(({ target }) => target.entityRef)),
    ]);
    const byKey = new Map(snapshots.map(s => [appKeyString(s), s]));
    const now = Date.now();
    let rows: OverviewRow[] = targets.map(({ entity, target }) => {
      const snapshot = byKey.get(appKeyString(target.argocd));
      const last = latest.get(`${target.entityRef}|${target.environment.name}`);
      return {
        entityRef: target.entityRef,
        title: entity.metadata.title ?? entity.metadata.name,
        owner: ownerOf(entity),
        system: entity.spec?.system as string | undefined,
        environment: target.environment.name,
        order: target.environment.order,
        ...(snapshot
          ? {
              status: environmentStatus(
                snapshot,
                instances.get(target.argocd.instance),
                {
                  image: target.manifest.image,
                  now,
                  staleAfterMs: this.staleAfterMs,
                },
              ),
            }
          : {
              statusError:
                last?.status === 'pr-opened'
                  ? 'Not in Argo CD yet: it arrives with its pull request'
                  : `Not seen in Argo CD instance ${target.argocd.instance}`,
            }),
        ...(last ? { lastDeployment: withoutSteps(last) } : {}),
        argocdUrl: this.applicationUrl(target.argocd),
      };
    });
    rows = withLag(rows, targets);
    if (query.environment) {
      rows = rows.filter(r => r.environment === query.environment);
    }
    if (query.status === 'problems') rows = rows.filter(isProblem);
    if (query.status === 'behind') rows = rows.filter(r => r.lag);
    if (query.status === 'drifted') rows = rows.filter(r => r.drifted);
    if (query.status === 'healthy') rows = rows.filter(r => !isProblem(r));
    if (query.changedWithinHours !== undefined) {
      const since = now - query.changedWithinHours * 3600_000;
      rows = rows.filter(
        r =>
          r.lastDeployment && Date.parse(r.lastDeployment.createdAt) >= since,
      );
    }
    rows.sort(
      (a, b) =>
        Number(isProblem(b)) - Number(isProblem(a)) ||
        (HEALTH_RANK[a.status?.health ?? 'Unknown'] ?? 2) -
          (HEALTH_RANK[b.status?.health ?? 'Unknown'] ?? 2) ||
        Number(b.status?.sync === 'OutOfSync') -
          Number(a.status?.sync === 'OutOfSync') ||
        a.title.localeCompare(b.title) ||
        a.order - b.order,
    );
    const services = servicesInOrder(rows);
    const offset = pageOffset(query.offset);
    const limit = pageLimit(query.limit, OVERVIEW_PAGE_SIZE, 1000);
    const onPage = new Set(services.slice(offset, offset + limit));
    return {
      rows: rows.filter(r => onPage.has(r.entityRef)),
      observedAt: new Date(now).toISOString(),
      summary: countOverviewRows(rows),
      page: { offset, limit, services: services.length },
      facets: facetsOf(entities),
    };
  }

  /** The Applications' snapshots, and their instances' statuses. */
  async #snapshotsOf(keys: AppKey[]) {
    const instances = await this.snapshots.instanceStatuses();
    return {
      instances,
      snapshots: await this.snapshotCache.getMany(keys, instances),
    };
  }
}

/**
 * Each row with its lag behind the environment it promotes from and its
 * drift, per service. Without deployment history here (one read per page
 * would not stay constant), lag names the source's version; the entity page
 * counts deployments.
 */
function withLag(
  rows: OverviewRow[],
  targets: Array<{ target: { environment: { promotesFrom?: string } } }>,
): OverviewRow[] {
  const byService = new Map<string, number[]>();
  rows.forEach((row, index) =>
    byService.set(row.entityRef, [
      ...(byService.get(row.entityRef) ?? []),
      index,
    ]),
  );
  const result = [...rows];
  for (const indexes of byService.values()) {
    const lag = assessLag(
      indexes.map(i => ({
        environment: rows[i].environment,
        promotesFrom: targets[i].target.environment.promotesFrom,
        status: rows[i].status,
        lastDeployment: rows[i].lastDeployment,
      })),
    );
    for (const i of indexes) {
      result[i] = { ...rows[i], ...lag.get(rows[i].environment) };
    }
  }
  return result;
}

/**
 * Services in the order the page lists them: every service with a problem
 * ahead of the others, otherwise in the order of their first (worst) row.
 * Pages hold whole services, so a service's environments are never split.
 */
function servicesInOrder(rows: OverviewRow[]): string[] {
  const withProblems = new Set<string>();
  const all = new Set<string>();
  for (const row of rows) {
    all.add(row.entityRef);
    if (isProblem(row)) withProblems.add(row.entityRef);
  }
  return [
    ...[...all].filter(s => withProblems.has(s)),
    ...[...all].filter(s => !withProblems.has(s)),
  ];
}

/** Owners and systems of every service the caller may see, for the filter menus. */
function facetsOf(entities: Entity[]) {
  const owners = new Set<string>();
  const systems = new Set<string>();
  for (const entity of entities) {
    const owner = ownerOf(entity);
    if (owner) owners.add(owner);
    if (typeof entity.spec?.system === 'string')
      systems.add(entity.spec.system);
  }
  const sorted = (values: Set<string>) =>
    [...values].sort((a, b) => a.localeCompare(b));
  return { owners: sorted(owners), systems: sorted(systems) };
}

/** The record without its steps: the cell shows who changed what, when; the steps are on the entity page. */
function withoutSteps({
  steps: _,
  ...record
}: DeploymentRecord): OverviewDeployment {
  return record;
}

function ownerOf(entity: Entity): string | undefined {
  return (
    relationTargets(entity, 'ownedBy')[0] ??
    (entity.spec?.owner as string | undefined)
  );
}

function relationTargets(
  entity: { relations?: Array<{ type: string; targetRef: string }> },
  type: string,
) {
  return (entity.relations ?? [])
    .filter(r => r.type === type)
    .map(r => r.targetRef);
}
