import {
  DeploymentRecord,
  TimelineChangeKind,
  TimelineChangeOutcome,
} from '@shipdeck/plugin-gitops-common';
import { AppEvent } from '../snapshots/timelineEvents';

/** What grouping needs of a Shipdeck deployment record. */
export interface GroupableRecord {
  id: string;
  environment: string;
  createdAt: string;
  status: DeploymentRecord['status'];
  /** The manifest commit: Argo CD events at this revision belong to it. */
  commitSha?: string;
  /** When it last moved (its newest step). */
  updatedAt?: string;
}

/** What grouping needs of a stored Argo CD event. */
export interface GroupableEvent {
  id: string | number;
  environment: string;
  type: AppEvent['type'];
  at: string;
  revision?: string;
  state?: { from?: string; to: string };
}

/** One change: a deployment record, an outside sync, an incident or status changes. */
export interface ChangeGroup<
  R extends GroupableRecord = GroupableRecord,
  E extends GroupableEvent = GroupableEvent,
> {
  id: string;
  kind: TimelineChangeKind;
  environment: string;
  at: string;
  /** Its newest event or step; for an incident, when it was Healthy again. */
  endedAt?: string;
  outcome: TimelineChangeOutcome;
  record?: R;
  /** The revision an outside sync deployed. */
  revision?: string;
  /** Its Argo CD events, oldest first. */
  events: E[];
}

/** Health that makes an incident (the same as time to restore's start). */
export const DOWN_HEALTH: ReadonlySet<string> = new Set([
  'Degraded',
  'Missing',
]);

/**
 * How long after a change's last event or step a health change still
 * belongs to it (the rollout settling), rather than standing alone.
 */
export const SETTLE_MS = 15 * 60_000;

const SYNC_TYPES = new Set<AppEvent['type']>([
  'operation-started',
  'operation',
  'deployed',
]);

const RECORD_OUTCOMES: Record<
  DeploymentRecord['status'],
  TimelineChangeOutcome
> = {
  pending: 'in-progress',
  committed: 'in-progress',
  syncing: 'in-progress',
  'pr-opened': 'waiting',
  healthy: 'healthy',
  degraded: 'degraded',
  failed: 'failed',
  superseded: 'superseded',
  abandoned: 'abandoned',
};

const later = (a: string | undefined, b: string) =>
  a && Date.parse(a) > Date.parse(b) ? a : b;

/**
 * Folds an entity's deployment records and its Applications' Argo CD events
 * into changes, the unit both the timeline and the delivery metrics count:
 *
 * - a deployment record, with every event at its commit and the health
 *   changes while it settles;
 * - an Argo CD sync at a revision no record wrote (someone used Argo CD
 *   directly, or auto-sync applied a commit made elsewhere), with the sync
 *   status change that announced the revision and the health changes while
 *   it settles;
 * - an incident: health turning Degraded or Missing, with every health
 *   change until it is Healthy again;
 * - what is left (drift nobody synced, a restart), consecutive leftovers of
 *   an environment together.
 *
 * Pure and per environment; records and events in any order. Changes come
 * oldest first.
 */
export function groupChanges<
  R extends GroupableRecord,
  E extends GroupableEvent,
>(records: R[], events: E[]): Array<ChangeGroup<R, E>> {
  // Bucketed in one pass: the organisation's metrics group thousands of
  // environments, and filtering the whole list once per environment was
  // quadratic.
  const byEnvironment = new Map<string, { records: R[]; events: E[] }>();
  const bucket = (environment: string) => {
    let found = byEnvironment.get(environment);
    if (!found) {
      found = { records: [], events: [] };
      byEnvironment.set(environment, found);
    }
    return found;
  };
  for (const record of records) bucket(record.environment).records.push(record);
  for (const event of events) bucket(event.environment).events.push(event);
  return sortedByTime(
    [...byEnvironment].flatMap(([environment, items]) =>
      groupEnvironment(items.records, items.events, environment),
    ),
    (a, b) => a.id.localeCompare(b.id),
  );
}

/**
 * Oldest first, ties by `tie`; each time parsed once, not per comparison
 * (hundreds of thousands of events in the organisation's metrics).
 */
function sortedByTime<T extends { at: string }>(
  items: T[],
  tie: (a: T, b: T) => number,
): T[] {
  return items
    .map(item => ({ item, time: Date.parse(item.at) }))
    .sort((a, b) => a.time - b.time || tie(a.item, b.item))
    .map(({ item }) => item);
}

function groupEnvironment<R extends GroupableRecord, E extends GroupableEvent>(
  records: R[],
  events: E[],
  environment: string,
): Array<ChangeGroup<R, E>> {
  const groups: Array<ChangeGroup<R, E>> = [];
  const byCommit = new Map<string, ChangeGroup<R, E>>();
  const recordGroups = new Map<R, ChangeGroup<R, E>>();
  for (const record of records) {
    const group: ChangeGroup<R, E> = {
      id: `deployment:${record.id}`,
      kind: 'deployment',
      environment,
      at: record.createdAt,
      endedAt: record.updatedAt,
      outcome: RECORD_OUTCOMES[record.status] ?? 'in-progress',
      record,
      events: [],
    };
    recordGroups.set(record, group);
    if (record.commitSha) byCommit.set(record.commitSha, group);
  }
  // Revisions Argo CD synced that no record wrote: a sync status change at
  // one of these announced an outside sync, not drift.
  const outsideRevisions = new Set(
    events
      .filter(
        e => SYNC_TYPES.has(e.type) && e.revision && !byCommit.has(e.revision),
      )
      .map(e => e.revision!),
  );

  type Item = { at: string; record?: R; event?: E };
  const items = sortedByTime<Item>(
    [
      ...records.map((record): Item => ({ at: record.createdAt, record })),
      ...events.map((event): Item => ({ at: event.at, event })),
    ],
    (a, b) =>
      // A record before the events of the same instant; events by id.
      (a.record ? -1 : 0) - (b.record ? -1 : 0) ||
      Number(a.event?.id ?? 0) - Number(b.event?.id ?? 0),
  );

  /** The newest deployment or sync, which settling health changes join. */
  let rollout: ChangeGroup<R, E> | undefined;
  let incident: ChangeGroup<R, E> | undefined;
  /** The newest change of any kind: leftovers join it only if it is theirs. */
  let newest: ChangeGroup<R, E> | undefined;
  const syncOf = new Map<string, ChangeGroup<R, E>>();

  const start = (kind: TimelineChangeKind, event: E) => {
    const group: ChangeGroup<R, E> = {
      id: `${kind}:${event.id}`,
      kind,
      environment,
      at: event.at,
      outcome: 'info',
      events: [],
    };
    groups.push(group);
    newest = group;
    return group;
  };
  const add = (group: ChangeGroup<R, E>, event: E) => {
    group.events.push(event);
    if (group.kind !== 'incident') {
      group.endedAt = later(group.endedAt, event.at);
    }
  };
  const outsideSync = (event: E) => {
    const revision = event.revision ?? rollout?.revision ?? '';
    let group = syncOf.get(revision);
    // The same revision synced again after something else is a new change.
    if (!group || group !== rollout) {
      group = start('sync', event);
      if (event.revision) group.revision = event.revision;
      syncOf.set(revision, group);
      rollout = group;
    }
    add(group, event);
  };
  const leftover = (event: E) => {
    const group = newest?.kind === 'status' ? newest : start('status', event);
    add(group, event);
  };

  for (const item of items) {
    if (item.record) {
      const group = recordGroups.get(item.record)!;
      groups.push(group);
      rollout = group;
      newest = group;
      continue;
    }
    const event = item.event!;
    if (event.type === 'health') {
      const to = event.state?.to;
      if (incident) {
        incident.events.push(event);
        if (to === 'Healthy') {
          incident.endedAt = event.at;
          incident = undefined;
        }
      } else if (to && DOWN_HEALTH.has(to)) {
        incident = start('incident', event);
        incident.events.push(event);
      } else if (rollout && settling(rollout, event.at)) {
        add(rollout, event);
      } else {
        leftover(event);
      }
      continue;
    }
    const owner = event.revision ? byCommit.get(event.revision) : undefined;
    if (owner) {
      add(owner, event);
      // A pull request merged days later: its rollout is the one settling now.
      if (SYNC_TYPES.has(event.type)) rollout = owner;
    } else if (
      SYNC_TYPES.has(event.type) ||
      (event.revision && outsideRevisions.has(event.revision))
    ) {
      outsideSync(event);
    } else {
      leftover(event);
    }
  }
  for (const group of groups) {
    if (group.kind !== 'deployment') group.outcome = outcomeOf(group);
  }
  return groups;
}

function settling(group: ChangeGroup, at: string): boolean {
  const until = Date.parse(later(group.endedAt, group.at)) + SETTLE_MS;
  return Date.parse(at) <= until;
}

function outcomeOf(group: ChangeGroup): TimelineChangeOutcome {
  const last = (type: AppEvent['type']) =>
    [...group.events].reverse().find(e => e.type === type);
  switch (group.kind) {
    case 'incident':
      return group.endedAt ? 'restored' : 'ongoing';
    case 'sync': {
      const operation = [...group.events]
        .reverse()
        .find(e => e.type === 'operation' || e.type === 'operation-started');
      if (operation?.state?.to === 'Failed' || operation?.state?.to === 'Error')
        return 'failed';
      if (operation?.type === 'operation-started') return 'in-progress';
      if (last('health')?.state?.to === 'Progressing') return 'in-progress';
      return operation || last('deployed') ? 'healthy' : 'in-progress';
    }
    case 'status':
      return last('sync-status')?.state?.to === 'OutOfSync'
        ? 'out-of-sync'
        : 'info';
    default:
      return 'info';
  }
}

/** Whole seconds an incident lasted, when it ended. */
export function incidentSeconds(group: ChangeGroup): number | undefined {
  if (group.kind !== 'incident' || !group.endedAt) return undefined;
  return Math.round((Date.parse(group.endedAt) - Date.parse(group.at)) / 1000);
}
