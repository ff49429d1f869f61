/*
 * The GitLab part of the write-path bench (bench/write-path.ts prints it
 * after GitHub's): GitLab API calls, wall time and retries for one release
 * of N = 1, 10, 100 services (one commit, and one merge request), and for
 * 50 single-service deployments sent at once through one backend and two,
 * against the GitLab stand-in (a real bare Git repository behind GitLab's
 * REST and GraphQL API).
 */
import { ConfigReader } from '@backstage/config';
import { seedBareRepository } from '@shipdeck/github-stand-in';
import { createGitLabStandIn, GitLabStandIn } from '@shipdeck/gitlab-stand-in';
import { createGitopsServices } from '../../plugins/gitops-backend/src/createGitopsServices';
import { syntheticServices } from '../../plugins/gitops-backend/src/__testUtils__/syntheticServices';
import { filesOf } from '../../plugins/gitops-backend/src/__testUtils__/githubBackend';
import { table } from './report';
import { benchDatabase } from './database';
import { auth, inMemoryCatalog, logger, permissions } from './standIns';

const PROJECT = 'shop/platform/deploy';
const REPO = `gitlab.example.com/${PROJECT}`;
const author = { name: 'bench', email: 'bench@example' };

/** A GitLab stand-in over N synthetic services, and `replicas` backends' writers on it. */
async function gitlabWith(n: number, replicas = 1) {
  const { seedDir, entities } = syntheticServices(n);
  const { dir } = await seedBareRepository({ files: filesOf(seedDir) });
  const standIn = createGitLabStandIn({
    projects: [{ fullPath: PROJECT, dir }],
    tokens: { t: 'write' },
  });
  const { url, close } = await standIn.start();
  const config = new ConfigReader({
    integrations: {
      gitlab: [
        { host: 'gitlab.example.com', apiBaseUrl: `${url}/api/v4`, token: 't' },
      ],
    },
    gitops: {
      environments: [{ name: 'dev' }],
      manifests: { repo: REPO, path: '{service}/overlays/{env}' },
    },
  });
  // Each replica is a backend of its own (its own writer and branch lock),
  // on one database, as two backends are.
  const db = await benchDatabase();
  const replicaServices = [];
  for (let i = 0; i < replicas; i++) {
    replicaServices.push(
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
  const { targets } = replicaServices[0];
  return {
    standIn,
    writers: replicaServices.map(s => s.writer),
    targetsOf: (first: number, count: number) =>
      entities.slice(first, first + count).map(e => targets.resolve(e)[0]),
    async close() {
      await close();
      await db.close();
    },
  };
}

/**
 * The stand-in's calls by kind (`POST repository/commits`, `POST graphql`…)
 * and the repeated attempts: commits GitLab refused because a file moved
 * (the per-file compare-and-swap), each costing a re-read.
 */
function callsOf(standIn: GitLabStandIn) {
  const byKind = new Map<string, number>();
  for (const call of standIn.calls) {
    const parts = call.path.split('?')[0].split('/');
    const kind =
      parts[2] === 'graphql'
        ? 'graphql'
        : parts[5] === 'repository'
        ? `repository/${parts[6]}`
        : parts[5] ?? parts[3];
    const key = `${call.method} ${kind}`;
    byKind.set(key, (byKind.get(key) ?? 0) + 1);
  }
  const retries = standIn.calls.filter(
    c => c.method === 'POST' && /\/commits$/.test(c.path) && c.status === 400,
  ).length;
  return { calls: standIn.calls.length, byKind, retries };
}

const breakdownOf = (byKind: Map<string, number>) =>
  [...byKind].map(([k, v]) => `${k}×${v}`).join(', ');

async function callsPerRelease(n: number, mode: 'commit' | 'pull-request') {
  const { standIn, writers, targetsOf, close } = await gitlabWith(n);
  try {
    standIn.resetCalls();
    const started = performance.now();
    await writers[0].apply({
      edits: targetsOf(0, n).map(target => ({ target, version: '2.0.0' })),
      mode,
      pullRequestBranch:
        mode === 'pull-request' ? 'shipdeck/dev/bench' : undefined,
      message: () => `release ${n}`,
      author,
    });
    return { n, ms: performance.now() - started, ...callsOf(standIn) };
  } finally {
    await close();
  }
}

async function concurrentDeployments(n: number, replicas: number) {
  const { standIn, writers, targetsOf, close } = await gitlabWith(n, replicas);
  try {
    standIn.resetCalls();
    const started = performance.now();
    const outcomes = await Promise.allSettled(
      targetsOf(0, n).map((target, i) =>
        writers[i % replicas].apply({
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
    return { n, replicas, ms, landed, failures, ...callsOf(standIn) };
  } finally {
    await close();
  }
}

/** Prints the GitLab tables, in the same columns as GitHub's. */
export async function gitlabWritePath() {
  console.log(
    '\n── GitLab ──\nGitLab API calls for one release of N services (GitLab stand-in; files read in one GraphQL query)',
  );
  const releases: Array<Array<string | number>> = [];
  for (const mode of ['commit', 'pull-request'] as const) {
    for (const n of [1, 10, 100]) {
      const r = await callsPerRelease(n, mode);
      releases.push([
        mode === 'commit' ? 'commit' : 'merge request',
        r.n,
        r.calls,
        (r.calls / r.n).toFixed(2),
        r.ms.toFixed(0),
        r.retries,
        breakdownOf(r.byKind),
      ]);
    }
  }
  table(
    [
      'lands as',
      'N',
      'calls',
      'calls/service',
      'wall ms',
      'retries',
      'calls by kind',
    ],
    releases,
  );

  console.log(
    '\nGitLab: 50 concurrent single-service deployments to one branch (one commit each)',
  );
  const concurrent: Array<Array<string | number>> = [];
  for (const replicas of [1, 2]) {
    const r = await concurrentDeployments(50, replicas);
    concurrent.push([
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
    concurrent,
  );
}
