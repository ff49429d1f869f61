import {
  OperationHook,
  TimelineChange,
  TimelineChangeKind,
  TimelineChangeOutcome,
  TimelineEvent,
} from '@shipdeck/plugin-gitops-common';

export type TimelineKind = TimelineEvent['kind'];

export const KIND_LABELS: Record<TimelineKind, string> = {
  deployment: 'Shipdeck deployment',
  deployed: 'Argo CD deploy',
  'operation-started': 'Sync started',
  operation: 'Sync operation',
  health: 'Health change',
  'sync-status': 'Sync status',
};

/** A status colour of the theme's palette, or neutral (secondary text). */
export type Tone = 'success' | 'error' | 'warning' | 'info' | 'neutral';

const DEPLOYMENT_TONES: Record<string, Tone> = {
  healthy: 'success',
  failed: 'error',
  degraded: 'error',
  superseded: 'neutral',
  abandoned: 'neutral',
  pending: 'info',
  committed: 'info',
  'pr-opened': 'info',
  syncing: 'info',
};

const HEALTH_TONES: Record<string, Tone> = {
  Healthy: 'success',
  Progressing: 'info',
  Suspended: 'warning',
  Degraded: 'error',
  Missing: 'error',
  Unknown: 'neutral',
};

const OPERATION_TONES: Record<string, Tone> = {
  Succeeded: 'success',
  Failed: 'error',
  Error: 'error',
  Running: 'info',
  Terminating: 'warning',
};

const SYNC_TONES: Record<string, Tone> = {
  Synced: 'success',
  OutOfSync: 'warning',
};

/**
 * How an event went, from what it moved (`state`: the new health, sync
 * status or operation phase) or, for a deployment record, its status.
 */
export function toneOf(event: TimelineEvent): Tone {
  const to = event.state?.to ?? '';
  switch (event.kind) {
    case 'deployment': {
      const status = event.details?.status;
      return (typeof status === 'string' && DEPLOYMENT_TONES[status]) || 'info';
    }
    case 'operation':
    case 'operation-started':
      return OPERATION_TONES[to] ?? 'info';
    case 'health':
      return HEALTH_TONES[to] ?? 'neutral';
    case 'sync-status':
      return SYNC_TONES[to] ?? 'neutral';
    case 'deployed':
      return 'success';
    default:
      return 'neutral';
  }
}

/** The change filters the timeline offers, one per kind. */
export const CHANGE_FILTERS: ReadonlyArray<{
  id: TimelineChangeKind;
  label: string;
}> = [
  { id: 'deployment', label: 'Deployments' },
  { id: 'sync', label: 'Syncs outside Shipdeck' },
  { id: 'incident', label: 'Incidents' },
  { id: 'status', label: 'Status changes' },
];

export const CHANGE_KIND_LABELS: Record<TimelineChangeKind, string> = {
  deployment: 'Shipdeck deployment',
  sync: 'Argo CD sync, not from Shipdeck',
  incident: 'Health incident',
  status: 'Argo CD status',
};

/** What a change's outcome reads as, and its colour. */
export const OUTCOMES: Record<
  TimelineChangeOutcome,
  { label: string; tone: Tone }
> = {
  healthy: { label: 'Healthy', tone: 'success' },
  'in-progress': { label: 'In progress', tone: 'info' },
  waiting: { label: 'Waiting for its pull request', tone: 'info' },
  degraded: { label: 'Degraded', tone: 'error' },
  failed: { label: 'Failed', tone: 'error' },
  superseded: { label: 'Superseded', tone: 'neutral' },
  abandoned: { label: 'Pull request closed', tone: 'neutral' },
  ongoing: { label: 'Ongoing', tone: 'error' },
  restored: { label: 'Restored', tone: 'warning' },
  'out-of-sync': { label: 'Out of sync', tone: 'warning' },
  info: { label: 'No action needed', tone: 'neutral' },
};

/** The outcome's label and tone; an unknown one (a newer backend) reads neutral. */
export function outcomeOf(change: TimelineChange): {
  label: string;
  tone: Tone;
} {
  return OUTCOMES[change.outcome] ?? { label: change.outcome, tone: 'neutral' };
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
];

const pad = (n: number) => String(n).padStart(2, '0');

/** The local calendar day of a date, `YYYY-MM-DD`. */
export function dayKey(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(
    date.getDate(),
  )}`;
}

/** "Today", "Yesterday" or e.g. "Mon 16 Nov 2026", in local time. */
export function dayLabel(date: Date, now = new Date()): string {
  const key = dayKey(date);
  if (key === dayKey(now)) return 'Today';
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (key === dayKey(yesterday)) return 'Yesterday';
  return `${WEEKDAYS[date.getDay()]} ${date.getDate()} ${
    MONTHS[date.getMonth()]
  } ${date.getFullYear()}`;
}

/** Local time of day, `HH:MM`. */
export function timeOfDay(date: Date): string {
  return `${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** Entries grouped by local day, in the order given (newest first). */
export function groupByDay<T extends { at: string }>(
  events: T[],
  now = new Date(),
): Array<{ key: string; label: string; events: T[] }> {
  const groups: Array<{ key: string; label: string; events: T[] }> = [];
  for (const event of events) {
    const date = new Date(event.at);
    const key = dayKey(date);
    const last = groups[groups.length - 1];
    if (last && last.key === key) {
      last.events.push(event);
    } else {
      groups.push({ key, label: dayLabel(date, now), events: [event] });
    }
  }
  return groups;
}

/** The hooks of an operation event, when its details carry any. */
export function hooksOf(event: TimelineEvent): OperationHook[] {
  const hooks = event.details?.hooks;
  if (!Array.isArray(hooks)) return [];
  return hooks.filter(
    (h): h is OperationHook => typeof h === 'object' && h !== null,
  );
}

/** The details message shown inline (health and operation messages). */
export function inlineMessageOf(event: TimelineEvent): string | undefined {
  const message = event.details?.message;
  return typeof message === 'string' && message ? message : undefined;
}

const DETAIL_LABELS: Record<string, string> = {
  status: 'Status',
  initiatedBy: 'Started by',
  automated: 'Auto-sync',
  revision: 'Revision',
  deploymentId: 'Shipdeck deployment',
  changeSetId: 'Change set',
  steps: 'Steps',
  info: 'Operation info',
  historyId: 'Argo CD history entry',
  deployStartedAt: 'Deploy started',
};

/** Details not already shown inline, as label and value, empty ones left out. */
export function remainingDetails(
  event: TimelineEvent,
): Array<{ key: string; label: string; value: unknown }> {
  const entries: Array<[string, unknown]> = [
    ['revision', event.revision],
    ['deploymentId', event.deploymentId],
    ...Object.entries(event.details ?? {}).filter(
      ([key]) => key !== 'hooks' && key !== 'message',
    ),
  ];
  return entries
    .filter(
      ([, value]) =>
        value !== undefined &&
        value !== null &&
        value !== '' &&
        !(Array.isArray(value) && value.length === 0),
    )
    .map(([key, value]) => ({
      key,
      label: DETAIL_LABELS[key] ?? key,
      value,
    }));
}
