import { OperationHook, TimelineEvent } from '@shipdeck/plugin-gitops-common';

export type TimelineKind = TimelineEvent['kind'];

/** The event type filters the timeline offers, each covering one or more kinds. */
export const EVENT_TYPE_FILTERS: ReadonlyArray<{
  id: string;
  label: string;
  kinds: TimelineKind[];
}> = [
  { id: 'deployments', label: 'Deployments', kinds: ['deployment'] },
  { id: 'argocd-deploys', label: 'Argo CD deploys', kinds: ['deployed'] },
  {
    id: 'operations',
    label: 'Syncs/operations',
    kinds: ['operation-started', 'operation'],
  },
  { id: 'health', label: 'Health', kinds: ['health'] },
  { id: 'sync-status', label: 'Sync status', kinds: ['sync-status'] },
];

/** The kinds of the selected filters, in a stable order; empty means all. */
export function kindsOf(filterIds: readonly string[]): TimelineKind[] {
  return EVENT_TYPE_FILTERS.filter(f => filterIds.includes(f.id)).flatMap(
    f => f.kinds,
  );
}

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

/**
 * How an event went, read from what the backend says about it: the status in
 * a deployment's summary, the phase of an operation, the new health or sync
 * status.
 */
export function toneOf(event: TimelineEvent): Tone {
  const summary = event.summary;
  switch (event.kind) {
    case 'deployment': {
      const status = /\(([\w-]+)\)\s*$/.exec(summary)?.[1];
      return (status && DEPLOYMENT_TONES[status]) || 'info';
    }
    case 'operation':
      if (/\bSucceeded\b/.test(summary)) return 'success';
      if (/\b(Failed|Error)\b/.test(summary)) return 'error';
      return 'info';
    case 'operation-started':
      return 'info';
    case 'health': {
      const health = /→\s*(\w+)/.exec(summary)?.[1];
      return (health && HEALTH_TONES[health]) || 'neutral';
    }
    case 'sync-status':
      if (/^Synced\b/.test(summary)) return 'success';
      if (/^OutOfSync\b/.test(summary)) return 'warning';
      return 'neutral';
    case 'deployed':
      return 'success';
    default:
      return 'neutral';
  }
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

/** Events grouped by local day, in the order given (newest first). */
export function groupByDay(
  events: TimelineEvent[],
  now = new Date(),
): Array<{ key: string; label: string; events: TimelineEvent[] }> {
  const groups: Array<{ key: string; label: string; events: TimelineEvent[] }> =
    [];
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
