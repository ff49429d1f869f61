import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  DeploymentRecord,
  PullRequestInfo,
  TimelineEvent,
  TimelineResponse,
} from '@shipdeck/plugin-gitops-common';
import { DeploymentStore } from '../database/DeploymentStore';
import {
  appKey,
  appKeyString,
  SnapshotStore,
  StoredAppEvent,
} from '../snapshots/SnapshotStore';
import { TargetResolver } from '../targets/TargetResolver';
import { ApplicationRefs } from '../snapshots/ApplicationRefs';
import { readEntity } from './catalogEntities';
import { PullRequestStore } from '../pullRequests/PullRequestStore';
import { waitingPullRequests } from '../pullRequests/waitingPullRequests';

/**
 * An entity's timeline: Shipdeck's deployment records merged with what Argo
 * CD did, newest first, correlated by revision (a sync or history entry at a
 * deployment's commit links to that deployment). Reads the database only.
 */
export class TimelineService {
  constructor(
    private readonly catalog: CatalogService,
    private readonly targets: TargetResolver,
    private readonly store: DeploymentStore,
    private readonly snapshots: SnapshotStore,
    private readonly refs: ApplicationRefs,
    private readonly applicationUrl: (ref: {
      instance: string;
      name: string;
      namespace?: string;
    }) => string | undefined,
    /** Review and checks of the pull requests records wait for. */
    private readonly pullRequests?: PullRequestStore,
  ) {}

  async getTimeline(
    ref: CompoundEntityRef,
    query: {
      environment?: string;
      types?: string[];
      before?: string;
      limit?: number;
    },
    options: { credentials: BackstageCredentials },
  ): Promise<TimelineResponse> {
    const entity = await readEntity(this.catalog, ref, options);
    if (!this.targets.isManaged(entity)) return { events: [] };
    const targets = await this.refs.locate(
      entity,
      query.environment
        ? [this.targets.resolveEnvironment(entity, query.environment)]
        : this.targets.resolve(entity),
    );
    const limit = query.limit ?? 50;
    const wantsDeployments =
      !query.types?.length || query.types.includes('deployment');
    const appTypes = query.types?.filter(t => t !== 'deployment');
    const entityRef = stringifyEntityRef(entity);
    const [records, appEvents] = await Promise.all([
      wantsDeployments
        ? this.store.listForEntity(entityRef, {
            before: query.before,
            limit,
            environments: targets.map(t => t.environment.name),
          })
        : Promise.resolve([]),
      query.types?.length && !appTypes?.length
        ? Promise.resolve([])
        : this.snapshots.listEvents(
            targets.map(t => appKey(t.argocd)),
            {
              limit: limit + 1,
              types: appTypes?.length ? appTypes : undefined,
              beforeAt: query.before,
            },
          ),
    ]);
    const envOfApp = new Map(targets.map(t => [appKeyString(t.argocd), t]));
    const byCommit = new Map(
      records.filter(r => r.commitSha).map(r => [r.commitSha!, r]),
    );
    const waiting = await waitingPullRequests(
      records.filter(r => r.status === 'pr-opened'),
      this.pullRequests,
    );
    const events: TimelineEvent[] = [
      ...records.map(r => fromRecord(r, waiting.get(r.id))),
      ...appEvents.map(e => {
        const target = envOfApp.get(
          appKeyString({
            instance: e.instance,
            namespace: e.namespace,
            name: e.app,
          }),
        )!;
        return fromAppEvent(
          e,
          target.environment.name,
          byCommit,
          this.applicationUrl({
            instance: e.instance,
            name: e.app,
            namespace: target.argocd.namespace,
          }),
        );
      }),
    ]
      .sort((a, b) => b.at.localeCompare(a.at) || b.id.localeCompare(a.id))
      .slice(0, limit + 1);
    const page = events.slice(0, limit);
    return {
      events: page,
      ...(events.length > limit
        ? { nextBefore: page[page.length - 1].at }
        : {}),
    };
  }
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function fromRecord(
  record: DeploymentRecord,
  pullRequest?: PullRequestInfo,
): TimelineEvent {
  const links: TimelineEvent['links'] = [];
  if (record.commitUrl) links.push({ title: 'Commit', url: record.commitUrl });
  if (record.pullRequestUrl)
    links.push({ title: 'Pull request', url: record.pullRequestUrl });
  return {
    id: `deployment:${record.id}`,
    at: record.createdAt,
    environment: record.environment,
    kind: 'deployment',
    summary: `${capitalize(record.action)} ${
      record.fromVersion ? `${record.fromVersion} → ` : ''
    }${record.toVersion} (${record.status})`,
    actor: record.actor,
    ...(record.commitSha ? { revision: record.commitSha } : {}),
    ...(record.fromVersion ? { fromVersion: record.fromVersion } : {}),
    toVersion: record.toVersion,
    deploymentId: record.id,
    links,
    ...(pullRequest ? { pullRequest } : {}),
    details: { steps: record.steps, changeSetId: record.changeSetId },
  };
}

function fromAppEvent(
  event: StoredAppEvent,
  environment: string,
  byCommit: Map<string, DeploymentRecord>,
  appUrl: string | undefined,
): TimelineEvent {
  const deployment = event.revision ? byCommit.get(event.revision) : undefined;
  return {
    id: `argocd:${event.id}`,
    at: event.at,
    environment,
    kind: event.type,
    summary: event.summary,
    ...(event.revision ? { revision: event.revision } : {}),
    ...(deployment
      ? { deploymentId: deployment.id, toVersion: deployment.toVersion }
      : {}),
    links: appUrl ? [{ title: 'Argo CD', url: appUrl }] : [],
    ...(event.details ? { details: event.details } : {}),
  };
}
