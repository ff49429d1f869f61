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
import { syntheticServices } from '../../plugins/gitops-backend/src/__testUtils__/syntheticServices';
import { filesOf } from '../../plugins/gitops-backend/src/__testUtils__/githubBackend';
import { table } from './report';
import {
  printConcurrentDeployments,
  RELEASE_COLUMNS,
  releaseRow,
  replicaServices,
  timedRelease,
  WritePathFixture,
} from './writePathRuns';

const PROJECT = 'shop/platform/deploy';
const REPO = `gitlab.example.com/${PROJECT}`;

/** A GitLab stand-in over N synthetic services, and `replicas` backends' writers on it. */
async function gitlabWith(n: number, replicas = 1): Promise<WritePathFixture> {
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
  const backends = await replicaServices(config, entities, replicas);
  return {
    ...backends,
    resetCalls: () => standIn.resetCalls(),
    callsSince: () => callsOf(standIn),
    async close() {
      await close();
      await backends.closeDatabase();
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

/** Prints the GitLab tables, in the same columns as GitHub's. */
export async function gitlabWritePath() {
  console.log(
    '\n── GitLab ──\nGitLab API calls for one release of N services (GitLab stand-in; files read in one GraphQL query)',
  );
  const releases: Array<Array<string | number>> = [];
  for (const mode of ['commit', 'pull-request'] as const) {
    for (const n of [1, 10, 100]) {
      const r = await timedRelease(await gitlabWith(n), n, mode);
      releases.push(
        releaseRow(mode === 'commit' ? 'commit' : 'merge request', r),
      );
    }
  }
  table(['lands as', ...RELEASE_COLUMNS], releases);

  console.log(
    '\nGitLab: 50 concurrent single-service deployments to one branch (one commit each)',
  );
  await printConcurrentDeployments(replicas => gitlabWith(50, replicas));
}
