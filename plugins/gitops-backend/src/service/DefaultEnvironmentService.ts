import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  DeploymentRecord,
  EntityEnvironment,
  Environment,
  EntityEnvironmentsResponse,
} from '@shipdeck/plugin-gitops-common';
import { DeploymentStore } from '../database/DeploymentStore';
import { TargetResolver } from '../targets/TargetResolver';
import {
  appKey,
  appKeyString,
  InstanceStatus,
  SnapshotStore,
} from '../snapshots/SnapshotStore';
import { environmentStatus } from '../snapshots/environmentStatus';
import { ApplicationRefs, LocatedTarget } from '../snapshots/ApplicationRefs';
import { readEntity } from './catalogEntities';
import { pullRequestNumber } from '../scm/pullRequestNumber';
import { EnvironmentService } from './EnvironmentService';
import {
  PullRequestStore,
  pullRequestKey,
} from '../pullRequests/PullRequestStore';
import { PullRequestObservation } from '../scm/ManifestRepository';

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
    // Four reads, whatever the number of environments; no Argo CD call.
    const [latest, pending, snapshots, instances] = await Promise.all([
      this.store.latestPerEnvironment(entityRef),
      this.store.latestPerEnvironmentWithStatus(entityRef, 'pr-opened'),
      this.snapshots.getMany(targets.map(t => appKey(t.argocd))),
      this.snapshots.instanceStatuses(),
    ]);
    const observed = await this.#observedPullRequests([...pending.values()]);
    const byKey = new Map(snapshots.map(s => [appKeyString(s), s]));
    const now = Date.now();
    return {
      entityRef,
      managed: true,
      observedAt,
      environments: targets.map(target => {
        const snapshot = byKey.get(appKeyString(target.argocd));
        const instance = instances.get(target.argocd.instance);
        return {
          environment: target.environment,
          manifest: target.manifest,
          argocd: target.argocd,
          ...(latest.has(target.environment.name)
            ? { lastDeployment: latest.get(target.environment.name) }
            : {}),
          ...pendingPullRequest(pending.get(target.environment.name), observed),
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
      }),
    };
  }

  async #observedPullRequests(records: DeploymentRecord[]) {
    return (
      (await this.pullRequests?.getMany(
        records.flatMap(r => {
          const number = r.pullRequestUrl
            ? pullRequestNumber(r.pullRequestUrl)
            : undefined;
          return r.repository && number !== undefined
            ? [{ repository: r.repository, number }]
            : [];
        }),
      )) ?? new Map<string, PullRequestObservation>()
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
  observed: Map<string, PullRequestObservation>,
): Pick<EntityEnvironment, 'pendingPullRequest'> {
  const url = record?.pullRequestUrl;
  const number = url ? pullRequestNumber(url) : undefined;
  if (!record || !url || number === undefined) return {};
  const seen = record.repository
    ? observed.get(pullRequestKey(record.repository, number))
    : undefined;
  return {
    pendingPullRequest: {
      number,
      url,
      state: 'open',
      ...(seen?.review ? { review: seen.review } : {}),
      ...(seen?.checks ? { checks: seen.checks } : {}),
      deploymentId: record.id,
    },
  };
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
