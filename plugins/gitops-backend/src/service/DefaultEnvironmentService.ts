import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  assessLag,
  deployedVersions,
  DeploymentRecord,
  EntityEnvironment,
  Environment,
  EntityEnvironmentsResponse,
  PullRequestInfo,
} from '@shipdeck/plugin-gitops-common';
import { DeploymentStore } from '../database/DeploymentStore';
import { TargetResolver } from '../targets/TargetResolver';
import {
  appKey,
  appKeyString,
  InstanceStatus,
  SnapshotStore,
} from '../database/SnapshotStore';
import { environmentStatus } from '../snapshots/environmentStatus';
import { ApplicationRefs, LocatedTarget } from '../snapshots/ApplicationRefs';
import { readEntity } from './catalogEntities';
import { EnvironmentService } from './EnvironmentService';
import { PullRequestStore } from '../database/PullRequestStore';
import { waitingPullRequests } from '../pullRequests/waitingPullRequests';

/**
 * Assembles an entity's environments from configuration, annotations and
 * the deployment records. Reads the entity with the caller's credentials, so
 * the catalog's own read permission decides who may see it.
 */
export class DefaultEnvironmentService implements EnvironmentService {
  static create(options: {
    catalog: CatalogService;
    targets: TargetResolver;
    store: DeploymentStore;
    snapshots: SnapshotStore;
    refs: ApplicationRefs;
    /** Snapshot data older than this is flagged stale. */
    staleAfterMs: number;
    /** Review and checks of pending pull requests, as last looked at. */
    pullRequests?: PullRequestStore;
  }) {
    return new DefaultEnvironmentService(
      options.catalog,
      options.targets,
      options.store,
      options.snapshots,
      options.refs,
      options.staleAfterMs,
      options.pullRequests,
    );
  }

  private constructor(
    private readonly catalog: CatalogService,
    private readonly targets: TargetResolver,
    private readonly store: DeploymentStore,
    private readonly snapshots: SnapshotStore,
    private readonly refs: ApplicationRefs,
    private readonly staleAfterMs: number,
    private readonly pullRequests?: PullRequestStore,
  ) {}

  listConfigured(): Environment[] {
    return this.targets.listEnvironments();
  }

  async getEntityEnvironments(
    ref: CompoundEntityRef,
    options: { credentials: BackstageCredentials },
  ): Promise<EntityEnvironmentsResponse> {
    const entityRef = stringifyEntityRef(ref);
    const entity = await readEntity(this.catalog, ref, options);
    const observedAt = new Date().toISOString();
    if (!this.targets.isManaged(entity)) {
      return { entityRef, managed: false, environments: [], observedAt };
    }
    const targets: LocatedTarget[] = await this.refs.locate(
      entity,
      this.targets.resolve(entity),
    );
    // Five reads, whatever the number of environments; no Argo CD call.
    const [latest, pending, snapshots, instances, history] = await Promise.all([
      this.store.latestPerEnvironment(entityRef),
      this.store.latestPerEnvironmentWithStatus(entityRef, 'pr-opened'),
      this.snapshots.getMany(targets.map(t => appKey(t.argocd))),
      this.snapshots.instanceStatuses(),
      this.#promotionSourceHistory(entityRef, targets),
    ]);
    const waiting = await waitingPullRequests(
      [...pending.values()],
      this.pullRequests,
    );
    const byKey = new Map(snapshots.map(s => [appKeyString(s), s]));
    const now = Date.now();
    const environments: EntityEnvironment[] = targets.map(target => {
      const snapshot = byKey.get(appKeyString(target.argocd));
      const instance = instances.get(target.argocd.instance);
      return {
        environment: target.environment,
        manifest: target.manifest,
        argocd: target.argocd,
        ...(latest.has(target.environment.name)
          ? { lastDeployment: latest.get(target.environment.name) }
          : {}),
        ...pendingPullRequest(pending.get(target.environment.name), waiting),
        ...(snapshot
          ? {
              status: environmentStatus(snapshot, instance, {
                image: target.manifest.image,
                now,
                staleAfterMs: this.staleAfterMs,
              }),
            }
          : {
              statusError:
                target.argocdError ?? whyNoStatus(target.argocd, instance),
            }),
      };
    });
    const lag = assessLag(
      environments.map(e => ({
        environment: e.environment.name,
        promotesFrom: e.environment.promotesFrom,
        status: e.status,
        lastDeployment: e.lastDeployment,
      })),
      history,
    );
    return {
      entityRef,
      managed: true,
      observedAt,
      environments: environments.map(e => ({
        ...e,
        ...lag.get(e.environment.name),
      })),
    };
  }

  /**
   * Versions deployed to the environments others promote from, newest
   * first, so lag can say how many deployments behind. The last 100 records
   * of those environments: further back, the page says what the source runs.
   */
  async #promotionSourceHistory(
    entityRef: string,
    targets: LocatedTarget[],
  ): Promise<Record<string, string[]>> {
    const sources = [
      ...new Set(
        targets.flatMap(t =>
          t.environment.promotesFrom ? [t.environment.promotesFrom] : [],
        ),
      ),
    ];
    if (sources.length === 0) return {};
    const records = await this.store.listForEntity(entityRef, {
      limit: 100,
      environments: sources,
    });
    return Object.fromEntries(
      sources.map(source => [
        source,
        deployedVersions(records.filter(r => r.environment === source)),
      ]),
    );
  }
}

/**
 * The pull request of the newest record still waiting for its merge, with
 * its review and checks as last looked at. A record leaves `pr-opened` when
 * the pull request is merged or closed (through Shipdeck, or seen by the
 * scheduled look or a webhook); until then it is open as far as Shipdeck
 * knows.
 */
function pendingPullRequest(
  record: DeploymentRecord | undefined,
  waiting: Map<string, PullRequestInfo>,
): Pick<EntityEnvironment, 'pendingPullRequest'> {
  const pullRequest = record && waiting.get(record.id);
  return pullRequest
    ? { pendingPullRequest: { ...pullRequest, deploymentId: record.id } }
    : {};
}

/** Why an environment has no status: an unknown app, or an unread instance. */
function whyNoStatus(
  app: { instance: string; name: string },
  instance?: InstanceStatus,
): string {
  if (instance?.lastSuccessAt) {
    return `Argo CD instance ${app.instance} has no application ${app.name}`;
  }
  const error = instance?.lastError ? `: ${instance.lastError}` : '';
  return `Argo CD instance ${app.instance} has not been read yet${error}`;
}
