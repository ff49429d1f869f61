import { ArgoApplication } from '../argocd/types';
import { AppEvent } from '../database/SnapshotStore';
import { operationHooks } from './operationHooks';

export type { AppEvent };

const TERMINAL = new Set(['Succeeded', 'Failed', 'Error']);
const short = (sha?: string) => (sha ? sha.slice(0, 7) : 'unknown');

/**
 * The events between two looks at an Application: health transitions, sync
 * status changes, operations starting and finishing (with their hooks, which
 * Argo CD may delete afterwards) and new history entries (which it trims to
 * ten). Pure: the same two looks always give the same events.
 *
 * The first look has nothing to compare health and sync status with, but
 * Argo CD's past is there: every history entry and the current operation
 * become events, so the timeline starts with what Argo CD remembers. The
 * same goes for a previous look that was only a list projection
 * (`imported: false`), which holds neither history nor operation results.
 * Dedupe keys make a repeated import store nothing new.
 */
export function eventsBetween(
  previous: ArgoApplication | undefined,
  current: ArgoApplication,
  where: { instance: string; namespace: string; observedAt: string },
  options: { imported?: boolean } = {},
): AppEvent[] {
  const key = `${where.instance}/${where.namespace}/${current.metadata.name}`;
  const base = {
    instance: where.instance,
    namespace: where.namespace,
    app: current.metadata.name,
  };
  const events: AppEvent[] = [];
  const before = previous?.status;
  const now = current.status;
  // The look whose history and operation the timeline holds already.
  const stored = options.imported === false ? undefined : before;

  const health = now?.health?.status;
  if (previous && health && health !== before?.health?.status) {
    const at = now?.health?.lastTransitionTime ?? where.observedAt;
    events.push({
      ...base,
      type: 'health',
      at,
      summary: `Health ${before?.health?.status ?? 'Unknown'} → ${health}`,
      state: { from: before?.health?.status ?? 'Unknown', to: health },
      details: now?.health?.message
        ? { message: now.health.message }
        : undefined,
      dedupeKey: `${key}:health:${at}:${health}`,
    });
  }

  // An app watching a shared repository sees its revision move with every
  // commit to it, mostly without anything to apply: a Synced → Synced move is
  // noise (real deployments show as operations and history entries). A new
  // revision while OutOfSync is a new drift target, so it counts.
  const sync = now?.sync?.status;
  const revisionMoved = now?.sync?.revision !== before?.sync?.revision;
  if (
    previous &&
    sync &&
    (sync !== before?.sync?.status || (revisionMoved && sync !== 'Synced'))
  ) {
    events.push({
      ...base,
      type: 'sync-status',
      at: where.observedAt,
      revision: now?.sync?.revision,
      summary: `${sync} with ${short(now?.sync?.revision)}`,
      state: { to: sync },
      dedupeKey: `${key}:sync:${sync}:${now?.sync?.revision ?? ''}`,
    });
  }

  const op = now?.operationState;
  const prevOp = stored?.operationState;
  if (op?.startedAt) {
    const sameOperation = prevOp?.startedAt === op.startedAt;
    const revision = op.syncResult?.revision ?? op.operation?.sync?.revision;
    if (!sameOperation && !TERMINAL.has(op.phase ?? '')) {
      events.push({
        ...base,
        type: 'operation-started',
        at: op.startedAt,
        revision,
        state: { to: op.phase ?? 'Running' },
        summary: `Sync started${
          revision ? ` to ${short(revision)}` : ''
        }${initiator(op)}`,
        details: initiatorDetails(op.operation?.initiatedBy),
        dedupeKey: `${key}:op:${op.startedAt}:started`,
      });
    }
    if (
      TERMINAL.has(op.phase ?? '') &&
      !(sameOperation && prevOp?.phase === op.phase)
    ) {
      const hooks = operationHooks(op);
      events.push({
        ...base,
        type: 'operation',
        at: op.finishedAt ?? where.observedAt,
        revision,
        state: { to: op.phase! },
        summary: `Sync ${op.phase}${
          revision ? ` at ${short(revision)}` : ''
        }${initiator(op)}`,
        details: {
          ...initiatorDetails(op.operation?.initiatedBy),
          ...(op.message ? { message: op.message } : {}),
          ...(hooks.length ? { hooks } : {}),
          ...(op.operation?.info?.length ? { info: op.operation.info } : {}),
        },
        dedupeKey: `${key}:op:${op.startedAt}:${op.phase}`,
      });
    }
  }

  const seen = Math.max(-1, ...(stored?.history ?? []).map(h => h.id));
  for (const entry of now?.history ?? []) {
    if (entry.id > seen) {
      const revision = entry.revision ?? entry.revisions?.[0];
      events.push({
        ...base,
        type: 'deployed',
        at: entry.deployedAt ?? where.observedAt,
        revision,
        summary: `Deployed ${short(revision)}${initiatorOf(entry.initiatedBy)}`,
        details: {
          ...initiatorDetails(entry.initiatedBy),
          historyId: entry.id,
          deployStartedAt: entry.deployStartedAt,
        },
        dedupeKey: `${key}:history:${entry.id}:${entry.deployedAt ?? ''}`,
      });
    }
  }
  return events;
}

/**
 * Who started an operation, as data for the timeline of changes: a user's
 * name, or `automated` for auto-sync.
 */
function initiatorDetails(by?: {
  username?: string;
  automated?: boolean;
}): { initiatedBy?: string; automated?: true } | undefined {
  if (by?.automated) return { automated: true };
  return by?.username ? { initiatedBy: by.username } : undefined;
}

function initiatorOf(by?: { username?: string; automated?: boolean }) {
  if (by?.automated) return ' (auto-sync)';
  return by?.username ? ` by ${by.username}` : '';
}

function initiator(
  op: NonNullable<NonNullable<ArgoApplication['status']>['operationState']>,
) {
  return initiatorOf(op.operation?.initiatedBy);
}

/** Whether two looks differ in anything that calls for a full GET of the app. */
export function changedEnough(
  previous: ArgoApplication | undefined,
  current: ArgoApplication,
): boolean {
  if (!previous) return false;
  const a = previous.status;
  const b = current.status;
  return (
    a?.sync?.status !== b?.sync?.status ||
    a?.sync?.revision !== b?.sync?.revision ||
    a?.health?.status !== b?.health?.status ||
    a?.operationState?.phase !== b?.operationState?.phase ||
    a?.operationState?.startedAt !== b?.operationState?.startedAt
  );
}
