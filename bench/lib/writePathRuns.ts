/*
 * What the write-path bench does the same way for every Git host: backends
 * (replicas) writing to one manifest repository, a release timed, 50
 * deployments sent at once, and their tables. Each host brings its stand-in
 * and how to count its calls (bench/write-path.ts, lib/gitlabWritePath.ts).
 */
import { Config } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import {
  createGitopsServices,
  GitopsServices,
} from '../../plugins/gitops-backend/src/createGitopsServices';
import { benchDatabase } from './database';
import { table } from './report';
import { auth, inMemoryCatalog, logger, permissions } from './standIns';

/** A host's calls since the last reset: in all, by kind, and repeated attempts. */
export interface CallCount {
  calls: number;
  byKind: Map<string, number>;
  retries: number;
}

/** Backends writing to one stand-in's repository. */
export interface WritePathFixture {
  writers: Array<GitopsServices['writer']>;
  targetsOf: (
    first: number,
    count: number,
  ) => Array<ReturnType<GitopsServices['targets']['resolve']>[number]>;
  resetCalls(): void;
  /** The calls since the reset; `landed` change sets were written. */
  callsSince(landed: number): CallCount;
  close(): Promise<void>;
}

const author = { name: 'bench', email: 'bench@example' };

/**
 * `replicas` backends, each its own services (writer, branch lock), on one
 * database, as a scaled-out deployment runs them.
 */
export async function replicaServices(
  config: Config,
  entities: Entity[],
  replicas: number,
) {
  const db = await benchDatabase();
  const services: GitopsServices[] = [];
  for (let i = 0; i < replicas; i++) {
    services.push(
      await createGitopsServices({
        config,
        logger,
        database: db.database,
        auth,
        permissions,
        catalog: inMemoryCatalog(entities),
      }),
    );
  }
  const { targets } = services[0];
  return {
    services,
    writers: services.map(s => s.writer),
    targetsOf: (first: number, count: number) =>
      entities.slice(first, first + count).map(e => targets.resolve(e)[0]),
    closeDatabase: () => db.close(),
  };
}

/** One release of `n` services: one commit, or one pull (merge) request. */
export async function timedRelease(
  fixture: WritePathFixture,
  n: number,
  mode: 'commit' | 'pull-request' = 'commit',
) {
  try {
    fixture.resetCalls();
    const started = performance.now();
    await fixture.writers[0].apply({
      edits: fixture
        .targetsOf(0, n)
        .map(target => ({ target, version: '2.0.0' })),
      mode,
      pullRequestBranch:
        mode === 'pull-request' ? 'shipdeck/dev/bench' : undefined,
      message: () => `release ${n}`,
      author,
    });
    return { n, ms: performance.now() - started, ...fixture.callsSince(1) };
  } finally {
    await fixture.close();
  }
}

/**
 * `n` single-service deployments sent at once to one branch, spread over
 * the fixture's backends.
 */
export async function concurrentDeployments(
  fixture: WritePathFixture,
  n: number,
) {
  const replicas = fixture.writers.length;
  try {
    fixture.resetCalls();
    const started = performance.now();
    const outcomes = await Promise.allSettled(
      fixture.targetsOf(0, n).map((target, i) =>
        fixture.writers[i % replicas].apply({
          edits: [{ target, version: '2.0.0' }],
          mode: 'commit',
          message: () => `deploy ${target.entityRef}`,
          author,
        }),
      ),
    );
    const ms = performance.now() - started;
    const landed = outcomes.filter(o => o.status === 'fulfilled').length;
    const failures = outcomes.flatMap(o =>
      o.status === 'rejected' ? [String(o.reason?.message ?? o.reason)] : [],
    );
    return {
      n,
      replicas,
      ms,
      landed,
      failures,
      ...fixture.callsSince(landed),
    };
  } finally {
    await fixture.close();
  }
}

export const breakdownOf = (byKind: Map<string, number>) =>
  [...byKind].map(([k, v]) => `${k}×${v}`).join(', ');

/** A release's row: calls, calls per service, wall time, retries, kinds. */
export const releaseRow = (
  label: string,
  r: Awaited<ReturnType<typeof timedRelease>>,
) => [
  label,
  r.n,
  r.calls,
  (r.calls / r.n).toFixed(2),
  r.ms.toFixed(0),
  r.retries,
  breakdownOf(r.byKind),
];

export const RELEASE_COLUMNS = [
  'N',
  'calls',
  'calls/service',
  'wall ms',
  'retries',
  'calls by kind',
];

/**
 * 50 deployments at once through one backend and through two, printed as
 * one table; a failure's message is printed once.
 */
export async function printConcurrentDeployments(
  fixture: (replicas: number) => Promise<WritePathFixture>,
) {
  const rows: Array<Array<string | number>> = [];
  for (const replicas of [1, 2]) {
    const r = await concurrentDeployments(await fixture(replicas), 50);
    rows.push([
      replicas,
      `${r.landed}/${r.n}`,
      r.calls,
      (r.calls / r.n).toFixed(2),
      r.ms.toFixed(0),
      r.retries,
      breakdownOf(r.byKind),
    ]);
    for (const failure of new Set(r.failures)) {
      console.log(`  failed (${replicas} replicas): ${failure}`);
    }
  }
  table(
    [
      'backends',
      'landed',
      'calls',
      'calls/deploy',
      'wall ms',
      'retries',
      'calls by kind',
    ],
    rows,
  );
}
