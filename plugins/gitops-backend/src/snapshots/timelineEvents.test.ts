import { ArgoApplication } from '../argocd/types';
import { changedEnough, eventsBetween } from './timelineEvents';
import {
  failedMigration,
  failedMigrationHook,
} from './__testUtils__/failedMigration';

const where = {
  instance: 'main',
  namespace: 'argocd',
  observedAt: '2026-11-23T10:00:30Z',
};

function app(status: ArgoApplication['status']): ArgoApplication {
  return { metadata: { name: 'orders-dev', namespace: 'argocd' }, status };
}

describe('eventsBetween', () => {
  it('records no health or sync change on the first look: there is nothing to compare with', () => {
    expect(
      eventsBetween(
        undefined,
        app({
          health: { status: 'Healthy' },
          sync: { status: 'Synced', revision: 'abc' },
        }),
        where,
      ),
    ).toEqual([]);
  });

  const past = app({
    health: { status: 'Healthy' },
    history: [
      {
        id: 3,
        revision: 'rev3',
        deployedAt: '2026-11-20T09:00:00Z',
        deployStartedAt: '2026-11-20T08:59:50Z',
        initiatedBy: { automated: true },
      },
      {
        id: 4,
        revision: 'rev4',
        deployedAt: '2026-11-21T09:00:00Z',
        initiatedBy: { username: 'alice' },
      },
    ],
    operationState: failedMigration({
      startedAt: '2026-11-22T10:00:00Z',
      finishedAt: '2026-11-22T10:00:12Z',
      revision: 'rev5',
    }),
  });

  it('imports Argo CD’s history and current operation, hooks included, on the first look', () => {
    const events = eventsBetween(undefined, past, where);
    expect(events.map(e => [e.type, e.at, e.summary])).toEqual([
      ['operation', '2026-11-22T10:00:12Z', 'Sync Failed at rev5 (auto-sync)'],
      ['deployed', '2026-11-20T09:00:00Z', 'Deployed rev3 (auto-sync)'],
      ['deployed', '2026-11-21T09:00:00Z', 'Deployed rev4 by alice'],
    ]);
    expect(events[0].details).toMatchObject({ hooks: [failedMigrationHook] });
    // The keys a later look would give the same past, so it is stored once.
    const later = app({
      ...past.status,
      history: [
        ...past.status!.history!,
        { id: 5, revision: 'rev5', deployedAt: '2026-11-23T09:00:00Z' },
      ],
    });
    const keys = new Set(events.map(e => e.dedupeKey));
    const next = eventsBetween(past, later, where);
    expect(next.map(e => e.summary)).toEqual(['Deployed rev5']);
    expect(keys.has(next[0].dedupeKey)).toBe(false);
    // Imported again (another replica's first look), the past has the same keys.
    expect(
      eventsBetween(undefined, later, where).map(e => e.dedupeKey),
    ).toEqual(expect.arrayContaining([...keys]));
  });

  it('imports the past an earlier list-only look could not hold, and still compares its status', () => {
    const listed = app({
      health: { status: 'Progressing' },
      operationState: {
        phase: 'Failed',
        startedAt: '2026-11-22T10:00:00Z',
        finishedAt: '2026-11-22T10:00:12Z',
      },
    });
    const events = eventsBetween(listed, past, where, { imported: false });
    expect(events.map(e => e.type)).toEqual([
      'health',
      'operation',
      'deployed',
      'deployed',
    ]);
    // Once imported, the same operation is not news.
    expect(eventsBetween(listed, past, where)).toEqual([
      expect.objectContaining({ type: 'health' }),
      expect.objectContaining({ type: 'deployed' }),
      expect.objectContaining({ type: 'deployed' }),
    ]);
  });

  it('imports an operation still running as started, and its end as the next look sees it', () => {
    const running = app({
      operationState: {
        phase: 'Running',
        startedAt: '2026-11-22T10:00:00Z',
        message: 'waiting for completion of hook batch/Job/orders-db-migrate',
        operation: { initiatedBy: { username: 'alice' } },
      },
    });
    expect(eventsBetween(undefined, running, where)).toEqual([
      expect.objectContaining({
        type: 'operation-started',
        at: '2026-11-22T10:00:00Z',
        summary: 'Sync started by alice',
        dedupeKey: 'main/argocd/orders-dev:op:2026-11-22T10:00:00Z:started',
      }),
    ]);
    const finished = app({
      operationState: {
        ...running.status!.operationState!,
        phase: 'Succeeded',
        finishedAt: '2026-11-22T10:01:00Z',
      },
    });
    expect(eventsBetween(running, finished, where)).toEqual([
      expect.objectContaining({
        type: 'operation',
        at: '2026-11-22T10:01:00Z',
      }),
    ]);
  });

  it('records a health transition once, keyed by its transition time', () => {
    const before = app({ health: { status: 'Progressing' } });
    const after = app({
      health: { status: 'Healthy', lastTransitionTime: '2026-11-23T10:00:20Z' },
    });
    const events = eventsBetween(before, after, where);
    expect(events).toEqual([
      expect.objectContaining({
        type: 'health',
        at: '2026-11-23T10:00:20Z',
        summary: 'Health Progressing → Healthy',
        dedupeKey: 'main/argocd/orders-dev:health:2026-11-23T10:00:20Z:Healthy',
      }),
    ]);
    expect(eventsBetween(after, after, where)).toEqual([]);
  });

  it('records sync status changes and new drift, not a shared repo moving under a synced app', () => {
    const synced = (revision: string) =>
      app({ sync: { status: 'Synced', revision } });
    const outOfSync = (revision: string) =>
      app({ sync: { status: 'OutOfSync', revision } });
    // Another service's commit moved the revision: nothing to apply here.
    expect(eventsBetween(synced('aaa'), synced('bbb'), where)).toEqual([]);
    expect(eventsBetween(synced('aaa'), outOfSync('bbb'), where)).toEqual([
      expect.objectContaining({
        type: 'sync-status',
        summary: 'OutOfSync with bbb',
      }),
    ]);
    expect(
      eventsBetween(outOfSync('bbb'), outOfSync('ccc'), where).map(
        e => e.summary,
      ),
    ).toEqual(['OutOfSync with ccc']);
    expect(
      eventsBetween(outOfSync('ccc'), synced('ccc'), where).map(e => e.summary),
    ).toEqual(['Synced with ccc']);
  });

  it('keeps the hook results of a finished operation, which Argo CD may delete later', () => {
    const running = app({
      operationState: {
        phase: 'Running',
        startedAt: '2026-11-23T10:00:00Z',
        operation: { initiatedBy: { automated: true } },
      },
    });
    const failed = app({
      operationState: {
        phase: 'Failed',
        startedAt: '2026-11-23T10:00:00Z',
        finishedAt: '2026-11-23T10:00:12Z',
        message: 'one or more synchronization tasks completed unsuccessfully',
        operation: { initiatedBy: { automated: true } },
        syncResult: {
          revision: 'abcdef1234567890',
          resources: [
            {
              kind: 'Job',
              name: 'orders-db-migrate',
              hookType: 'PreSync',
              hookPhase: 'Failed',
              message: 'Job has reached the specified backoff limit',
            },
            { kind: 'Deployment', name: 'orders', status: 'Synced' },
          ],
        },
      },
    });
    expect(eventsBetween(app({}), running, where)).toEqual([
      expect.objectContaining({
        type: 'operation-started',
        summary: 'Sync started (auto-sync)',
      }),
    ]);
    const [finished] = eventsBetween(running, failed, where);
    expect(finished).toMatchObject({
      type: 'operation',
      at: '2026-11-23T10:00:12Z',
      revision: 'abcdef1234567890',
      summary: 'Sync Failed at abcdef1 (auto-sync)',
      details: {
        message: 'one or more synchronization tasks completed unsuccessfully',
        hooks: [
          {
            hookType: 'PreSync',
            kind: 'Job',
            name: 'orders-db-migrate',
            phase: 'Failed',
            message: 'Job has reached the specified backoff limit',
          },
        ],
      },
    });
  });

  it('turns each new history entry into a deployed event, beyond Argo CD’s ten', () => {
    const history = (ids: number[]) =>
      ids.map(id => ({
        id,
        revision: `rev${id}`,
        deployedAt: `2026-11-23T10:0${id % 10}:00Z`,
        initiatedBy: { username: 'shipdeck' },
      }));
    const before = app({ history: history([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]) });
    const after = app({ history: history([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]) });
    const events = eventsBetween(before, after, where).filter(
      e => e.type === 'deployed',
    );
    expect(events.map(e => e.summary)).toEqual([
      'Deployed rev10 by shipdeck',
      'Deployed rev11 by shipdeck',
    ]);
  });
});

describe('changedEnough', () => {
  it('asks for a full look when sync, health or the operation moved', () => {
    const base = app({
      sync: { status: 'Synced', revision: 'a' },
      health: { status: 'Healthy' },
    });
    expect(changedEnough(undefined, base)).toBe(false);
    expect(changedEnough(base, base)).toBe(false);
    expect(
      changedEnough(
        base,
        app({
          sync: { status: 'OutOfSync', revision: 'b' },
          health: { status: 'Healthy' },
        }),
      ),
    ).toBe(true);
    expect(
      changedEnough(
        base,
        app({
          sync: { status: 'Synced', revision: 'a' },
          health: { status: 'Degraded' },
        }),
      ),
    ).toBe(true);
  });
});
