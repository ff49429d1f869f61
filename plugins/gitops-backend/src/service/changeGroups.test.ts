import {
  GroupableEvent,
  GroupableRecord,
  groupChanges,
  incidentSeconds,
} from './changeGroups';

const T = Date.parse('2026-11-28T10:00:00Z');
const at = (minutes: number) => new Date(T + minutes * 60_000).toISOString();

let nextId = 1;
function event(
  minutes: number,
  type: GroupableEvent['type'],
  options: {
    revision?: string;
    from?: string;
    to?: string;
    environment?: string;
  } = {},
): GroupableEvent {
  return {
    id: nextId++,
    environment: options.environment ?? 'dev',
    type,
    at: at(minutes),
    ...(options.revision ? { revision: options.revision } : {}),
    ...(options.to ? { state: { from: options.from, to: options.to } } : {}),
  };
}

const health = (minutes: number, from: string, to: string) =>
  event(minutes, 'health', { from, to });

function record(
  minutes: number,
  commitSha: string | undefined,
  status: GroupableRecord['status'] = 'healthy',
  environment = 'dev',
): GroupableRecord {
  return {
    id: `r-${minutes}-${environment}`,
    environment,
    createdAt: at(minutes),
    status,
    ...(commitSha ? { commitSha } : {}),
    updatedAt: at(minutes + 1),
  };
}

/** The Argo CD events one rollout of `revision` gives, from `minutes` on. */
function rollout(minutes: number, revision: string) {
  return [
    event(minutes, 'sync-status', { revision, to: 'OutOfSync' }),
    event(minutes + 0.1, 'operation-started', { revision, to: 'Running' }),
    health(minutes + 0.2, 'Healthy', 'Progressing'),
    event(minutes + 0.3, 'operation', { revision, to: 'Succeeded' }),
    event(minutes + 0.3, 'deployed', { revision }),
    event(minutes + 0.4, 'sync-status', { revision, to: 'Synced' }),
    health(minutes + 0.5, 'Progressing', 'Healthy'),
  ];
}

const shape = (groups: ReturnType<typeof groupChanges>) =>
  groups.map(g => ({
    kind: g.kind,
    environment: g.environment,
    outcome: g.outcome,
    events: g.events.map(e => e.type),
  }));

describe('groupChanges', () => {
  it('folds a deployment’s Argo CD events into it, in order, whatever order they come in', () => {
    const deploy = record(0, 'c1');
    const events = rollout(0.05, 'c1');
    const groups = groupChanges([deploy], [...events].reverse());
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({
      id: `deployment:${deploy.id}`,
      kind: 'deployment',
      record: deploy,
      outcome: 'healthy',
      at: deploy.createdAt,
    });
    expect(groups[0].events).toEqual(events);
  });

  it('shows a deployment still rolling out as in progress, and one waiting for its pull request as waiting', () => {
    const groups = groupChanges(
      [record(0, 'c1', 'syncing'), record(0, undefined, 'pr-opened', 'prod')],
      [event(0.1, 'operation-started', { revision: 'c1', to: 'Running' })],
    );
    expect(shape(groups)).toEqual([
      {
        kind: 'deployment',
        environment: 'dev',
        outcome: 'in-progress',
        events: ['operation-started'],
      },
      {
        kind: 'deployment',
        environment: 'prod',
        outcome: 'waiting',
        events: [],
      },
    ]);
  });

  it('makes a sync at a revision no record wrote one outside change, announced by its OutOfSync', () => {
    const groups = groupChanges(
      [record(0, 'c1')],
      [...rollout(0.05, 'c1'), ...rollout(30, 'x9')],
    );
    expect(shape(groups)).toEqual([
      expect.objectContaining({
        kind: 'deployment',
        events: expect.any(Array),
      }),
      {
        kind: 'sync',
        environment: 'dev',
        outcome: 'healthy',
        events: [
          'sync-status',
          'operation-started',
          'health',
          'operation',
          'deployed',
          'sync-status',
          'health',
        ],
      },
    ]);
    expect(groups[0].events).toHaveLength(7);
    expect(groups[1]).toMatchObject({ revision: 'x9', at: at(30) });
  });

  it('marks an outside sync whose operation failed as failed', () => {
    const groups = groupChanges(
      [],
      [
        event(0, 'operation-started', { revision: 'x1', to: 'Running' }),
        event(1, 'operation', { revision: 'x1', to: 'Failed' }),
      ],
    );
    expect(shape(groups)).toEqual([
      {
        kind: 'sync',
        environment: 'dev',
        outcome: 'failed',
        events: ['operation-started', 'operation'],
      },
    ]);
  });

  it('makes Degraded until Healthy again one incident with its duration', () => {
    const groups = groupChanges(
      [],
      [
        health(60, 'Healthy', 'Degraded'),
        health(65, 'Degraded', 'Progressing'),
        health(70, 'Progressing', 'Healthy'),
      ],
    );
    expect(shape(groups)).toEqual([
      {
        kind: 'incident',
        environment: 'dev',
        outcome: 'restored',
        events: ['health', 'health', 'health'],
      },
    ]);
    expect(groups[0]).toMatchObject({ at: at(60), endedAt: at(70) });
    expect(incidentSeconds(groups[0])).toBe(600);
  });

  it('keeps an incident that has not ended open, with a rollback beside it as its own change', () => {
    const degraded = record(0, 'c1', 'degraded');
    const rollback = record(20, 'c2', 'syncing');
    const groups = groupChanges(
      [degraded, rollback],
      [
        event(0.1, 'operation', { revision: 'c1', to: 'Succeeded' }),
        health(0.2, 'Healthy', 'Progressing'),
        health(5, 'Progressing', 'Degraded'),
        event(20.1, 'operation-started', { revision: 'c2', to: 'Running' }),
      ],
    );
    expect(shape(groups)).toEqual([
      {
        kind: 'deployment',
        environment: 'dev',
        outcome: 'degraded',
        events: ['operation', 'health'],
      },
      {
        kind: 'incident',
        environment: 'dev',
        outcome: 'ongoing',
        events: ['health'],
      },
      {
        kind: 'deployment',
        environment: 'dev',
        outcome: 'in-progress',
        events: ['operation-started'],
      },
    ]);
    expect(groups[1].endedAt).toBeUndefined();
    expect(incidentSeconds(groups[1])).toBeUndefined();
  });

  it('gives a pull request merged days later its own sync events, not a new outside sync', () => {
    const pr = record(0, 'c1', 'healthy', 'prod');
    const groups = groupChanges(
      [pr, record(60, 'd1', 'healthy', 'prod')],
      [...rollout(61, 'd1'), ...rollout(3 * 24 * 60, 'c1')].map(e => ({
        ...e,
        environment: 'prod',
      })),
    );
    expect(groups.map(g => [g.kind, g.events.length])).toEqual([
      ['deployment', 7],
      ['deployment', 7],
    ]);
    expect(groups[0].events.every(e => e.at >= at(3 * 24 * 60))).toBe(true);
  });

  it('leaves drift nobody synced and a later restart as status changes, apart from the rollout', () => {
    const groups = groupChanges(
      [record(0, 'c1')],
      [
        ...rollout(0.05, 'c1'),
        event(40, 'sync-status', { revision: 'y1', to: 'OutOfSync' }),
        event(50, 'sync-status', { revision: 'y1', to: 'Synced' }),
        health(300, 'Healthy', 'Progressing'),
        health(301, 'Progressing', 'Healthy'),
      ],
    );
    expect(shape(groups)).toEqual([
      expect.objectContaining({ kind: 'deployment' }),
      {
        kind: 'status',
        environment: 'dev',
        outcome: 'info',
        events: ['sync-status', 'sync-status', 'health', 'health'],
      },
    ]);
    const drift = groupChanges(
      [],
      [event(40, 'sync-status', { revision: 'y1', to: 'OutOfSync' })],
    );
    expect(drift[0].outcome).toBe('out-of-sync');
  });

  it('starts a new outside sync when the same revision is synced again after another change', () => {
    const groups = groupChanges(
      [record(10, 'c1')],
      [
        event(0, 'operation', { revision: 'x1', to: 'Succeeded' }),
        event(10.1, 'operation', { revision: 'c1', to: 'Succeeded' }),
        event(20, 'operation', { revision: 'x1', to: 'Succeeded' }),
      ],
    );
    expect(groups.map(g => g.kind)).toEqual(['sync', 'deployment', 'sync']);
  });

  it('groups each environment on its own', () => {
    const groups = groupChanges(
      [record(0, 'c1', 'healthy', 'dev')],
      [
        event(0.1, 'operation', { revision: 'c1', to: 'Succeeded' }),
        // The same commit seen by staging's Application is not dev's deployment.
        event(0.1, 'operation', {
          revision: 'c1',
          to: 'Succeeded',
          environment: 'staging',
        }),
      ],
    );
    expect(groups.map(g => [g.environment, g.kind])).toEqual([
      ['dev', 'deployment'],
      ['staging', 'sync'],
    ]);
  });
});
