import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  DeploymentRecord,
  PullRequestInfo,
  TimelineChange,
  TimelineChangeKind,
  TimelineChangesResponse,
  TimelineEvent,
  TimelineResponse,
} from '@shipdeck/plugin-gitops-common';
import { ChangeGroup, groupChanges, incidentSeconds } from './changeGroups';
import { DeploymentStore } from '../database/DeploymentStore';
import {
  appKey,
  appKeyString,
  SnapshotStore,
  StoredAppEvent,
} from '../database/SnapshotStore';
import { TargetResolver } from '../targets/TargetResolver';
import { ApplicationRefs } from '../snapshots/ApplicationRefs';
import { readEntity } from './catalogEntities';
import { pageLimit } from './pageLimit';
import { PullRequestStore } from '../database/PullRequestStore';
import { waitingPullRequests } from '../pullRequests/waitingPullRequests';

/**
 * Argo CD events read per page on each side of `before`: a change has a
 * handful (about seven for a rollout), so a page of 25 fits many times over.
 */
const EVENT_BUDGET = 500;

/**
 * An entity's timeline: Shipdeck's deployment records merged with what Argo
 * CD did, newest first, correlated by revision (a sync or history entry at a
 * deployment's commit links to that deployment). Reads the database only.
 */
export class TimelineService {
  static create(options: {
    catalog: CatalogService;
    targets: TargetResolver;
    store: DeploymentStore;
    snapshots: SnapshotStore;
    refs: ApplicationRefs;
    /** Argo CD's page of an Application; undefined for an unknown instance. */
    applicationUrl: (ref: {
      instance: string;
      name: string;
      namespace?: string;
    }) => string | undefined;
    /** Review and checks of the pull requests records wait for. */
    pullRequests?: PullRequestStore;
  }): TimelineService {
    return new TimelineService(
      options.catalog,
      options.targets,
      options.store,
      options.snapshots,
      options.refs,
      options.applicationUrl,
      options.pullRequests,
    );
  }

  private constructor(
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

  /**
   * The entity's changes, newest first, each with the Argo CD events that
   * belong to it (see {@link groupChanges}); paged by when a change started.
   *
   * A page reads the records and events before `before`, the events after it
   * (a change near the page's edge goes on rolling out, an incident ends
   * later), and the records of any commit those events name (a pull request
   * merged long after it was opened), so a change is whole on its page and
   * never shows twice.
   */
  async getChanges(
    ref: CompoundEntityRef,
    query: {
      environment?: string;
      kinds?: TimelineChangeKind[];
      before?: string;
      limit?: number;
    },
    options: { credentials: BackstageCredentials },
  ): Promise<TimelineChangesResponse> {
    const entity = await readEntity(this.catalog, ref, options);
    if (!this.targets.isManaged(entity)) return { changes: [] };
    const targets = await this.refs.locate(
      entity,
      query.environment
        ? [this.targets.resolveEnvironment(entity, query.environment)]
        : this.targets.resolve(entity),
    );
    const limit = pageLimit(query.limit, 25);
    const entityRef = stringifyEntityRef(entity);
    const environments = targets.map(t => t.environment.name);
    const apps = targets.map(t => appKey(t.argocd));
    const [records, older, newer] = await Promise.all([
      this.store.listForEntity(entityRef, {
        before: query.before,
        limit: limit + 1,
        environments,
      }),
      this.snapshots.listEvents(apps, {
        beforeAt: query.before,
        limit: EVENT_BUDGET,
      }),
      query.before
        ? this.snapshots.listEvents(apps, {
            sinceAt: query.before,
            limit: EVENT_BUDGET,
          })
        : Promise.resolve([]),
    ]);
    // Whether anything older than what was read is left for the next page.
    const truncated = {
      events: older.length === EVENT_BUDGET,
      records: records.length > limit,
    };
    const loaded = new Set(records.map(r => r.commitSha));
    const unknownCommits = [
      ...new Set(
        [...older, ...newer]
          .map(e => e.revision)
          .filter((r): r is string => !!r && !loaded.has(r)),
      ),
    ];
    for (let i = 0; i < unknownCommits.length; i += 200) {
      const commits = unknownCommits.slice(i, i + 200);
      records.push(
        ...(await this.store.listForEntity(entityRef, {
          commits,
          environments,
          // A release or a promotion chain can reuse a commit per environment.
          limit: commits.length * environments.length,
        })),
      );
    }

    const envOfApp = new Map(targets.map(t => [appKeyString(t.argocd), t]));
    const events = [...older, ...newer].map(e => {
      const target = envOfApp.get(
        appKeyString({
          instance: e.instance,
          namespace: e.namespace,
          name: e.app,
        }),
      )!;
      return { ...e, environment: target.environment.name };
    });
    const groups = groupChanges(
      records.map(r => ({ ...r, updatedAt: r.steps[r.steps.length - 1]?.at })),
      events,
    );

    // Changes that started before the oldest event read may lack some of
    // theirs: they wait for the next page, unless nothing else is left.
    const floor = [
      truncated.events ? older[older.length - 1].at : undefined,
      truncated.records ? records[limit].createdAt : undefined,
    ]
      .filter((at): at is string => !!at)
      .sort()
      .pop();
    const candidates = groups
      .filter(g => !query.before || g.at < query.before)
      .filter(g => !query.kinds?.length || query.kinds.includes(g.kind))
      .sort((a, b) => b.at.localeCompare(a.at) || b.id.localeCompare(a.id));
    const whole = floor ? candidates.filter(g => g.at > floor) : candidates;
    const page = (whole.length ? whole : candidates).slice(0, limit);
    const more =
      candidates.length > page.length || truncated.events || truncated.records;

    const waiting = await waitingPullRequests(
      page.flatMap(g => (g.record?.status === 'pr-opened' ? [g.record] : [])),
      this.pullRequests,
    );
    const changes = page.map(group =>
      toChange(group, {
        pullRequest: group.record ? waiting.get(group.record.id) : undefined,
        appUrl: this.#appUrl(
          targets.find(t => t.environment.name === group.environment)?.argocd,
        ),
      }),
    );
    const last = page[page.length - 1];
    return {
      changes,
      ...(more ? { nextBefore: last?.at ?? floor } : {}),
    };
  }

  #appUrl(ref?: { instance: string; name: string; namespace?: string }) {
    return ref
      ? this.applicationUrl({
          instance: ref.instance,
          name: ref.name,
          namespace: ref.namespace,
        })
      : undefined;
  }

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
    const limit = pageLimit(query.limit, 50);
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

const short = (sha?: string) => (sha ? sha.slice(0, 7) : 'unknown');

type StoredEvent = StoredAppEvent & { environment: string };

// A change's events need no record lookup: the change is the record.
const NO_RECORDS = new Map<string, DeploymentRecord>();

/** A group of {@link groupChanges} as the timeline shows it. */
function toChange(
  group: ChangeGroup<DeploymentRecord & { updatedAt?: string }, StoredEvent>,
  context: { pullRequest?: PullRequestInfo; appUrl?: string },
): TimelineChange {
  const events = group.events.map(e =>
    fromAppEvent(e, group.environment, NO_RECORDS, context.appUrl),
  );
  const argoLink = context.appUrl
    ? [{ title: 'Argo CD', url: context.appUrl }]
    : [];
  const common = {
    id: group.id,
    kind: group.kind,
    environment: group.environment,
    at: group.at,
    ...(group.endedAt ? { endedAt: group.endedAt } : {}),
    outcome: group.outcome,
    events,
  };
  const record = group.record;
  if (record) {
    return {
      ...common,
      summary: recordTitle(record),
      action: record.action,
      status: record.status,
      actor: record.actor,
      ...(record.commitSha ? { revision: record.commitSha } : {}),
      ...(record.fromVersion ? { fromVersion: record.fromVersion } : {}),
      toVersion: record.toVersion,
      deploymentId: record.id,
      ...(record.changeSetId ? { changeSetId: record.changeSetId } : {}),
      steps: record.steps,
      links: [...recordLinks(record), ...(events.length ? argoLink : [])],
      ...(context.pullRequest ? { pullRequest: context.pullRequest } : {}),
    };
  }
  const seconds = incidentSeconds(group);
  const initiator = [...group.events]
    .reverse()
    .map(e => e.details)
    .find(d => d?.initiatedBy || d?.automated);
  return {
    ...common,
    ...(seconds !== undefined ? { durationSeconds: seconds } : {}),
    ...(group.revision ? { revision: group.revision } : {}),
    ...(typeof initiator?.initiatedBy === 'string'
      ? { actor: initiator.initiatedBy }
      : {}),
    summary: changeSummary(group, initiator?.automated === true),
    links: argoLink,
  };
}

function changeSummary(group: ChangeGroup, automated: boolean): string {
  switch (group.kind) {
    case 'sync':
      return `${automated ? 'Auto-sync' : 'Sync'} to ${short(
        group.revision,
      )}, not from Shipdeck`;
    case 'incident': {
      const down = group.events[0]?.state?.to ?? 'Degraded';
      return group.endedAt ? `${down}, then Healthy again` : `${down}`;
    }
    default: {
      const sync = [...group.events]
        .reverse()
        .find(e => e.type === 'sync-status');
      return sync?.state?.to === 'OutOfSync'
        ? `Out of sync with ${short(sync.revision)}`
        : 'Argo CD status changes';
    }
  }
}

/** E.g. `Deploy 1.12.0 → 1.13.0`. */
function recordTitle(record: DeploymentRecord): string {
  return `${capitalize(record.action)} ${
    record.fromVersion ? `${record.fromVersion} → ` : ''
  }${record.toVersion}`;
}

function recordLinks(record: DeploymentRecord): TimelineEvent['links'] {
  const links: TimelineEvent['links'] = [];
  if (record.commitUrl) links.push({ title: 'Commit', url: record.commitUrl });
  if (record.pullRequestUrl)
    links.push({ title: 'Pull request', url: record.pullRequestUrl });
  return links;
}

function fromRecord(
  record: DeploymentRecord,
  pullRequest?: PullRequestInfo,
): TimelineEvent {
  const links = recordLinks(record);
  return {
    id: `deployment:${record.id}`,
    at: record.createdAt,
    environment: record.environment,
    kind: 'deployment',
    summary: `${recordTitle(record)} (${record.status})`,
    actor: record.actor,
    ...(record.commitSha ? { revision: record.commitSha } : {}),
    ...(record.fromVersion ? { fromVersion: record.fromVersion } : {}),
    toVersion: record.toVersion,
    deploymentId: record.id,
    links,
    ...(pullRequest ? { pullRequest } : {}),
    details: {
      status: record.status,
      steps: record.steps,
      changeSetId: record.changeSetId,
    },
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
    ...(event.state ? { state: event.state } : {}),
    ...(event.revision ? { revision: event.revision } : {}),
    ...(deployment
      ? { deploymentId: deployment.id, toVersion: deployment.toVersion }
      : {}),
    links: appUrl ? [{ title: 'Argo CD', url: appUrl }] : [],
    ...(event.details ? { details: event.details } : {}),
  };
}
