/*
 * Write-path figures (not a test):
 *   1. GitHub API calls (by kind), wall time and retries for one release of
 *      N = 1, 10, 100 services, against the GitHub stand-in (a real bare Git
 *      repository behind GitHub's API): files read with readFiles (GraphQL)
 *      and, for comparison, one contents request per file as before it.
 *   2. 50 single-service deployments sent at once to one branch, through one
 *      backend and through two (replicas): calls, wall time, retries.
 *   3. Edit throughput of each manifest write strategy on the demo's files.
 *   GitLab's calls for the same releases (and by merge request) and the
 *   same 50 concurrent deployments print between 2 and 3 (GitLab stand-in).
 *
 * Run: eval "$(./shipdeck env)" && yarn bench:write-path
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigReader } from '@backstage/config';
import {
  createGitHubStandIn,
  seedBareRepository,
} from '@shipdeck/github-stand-in';
import { writeVersion } from '../plugins/gitops-backend/src/manifests/strategies';
import { GitHubManifestRepository } from '../plugins/gitops-backend/src/scm/github/GitHubManifestRepository';
import { syntheticServices } from '../plugins/gitops-backend/src/__testUtils__/syntheticServices';
import { filesOf } from '../plugins/gitops-backend/src/__testUtils__/githubBackend';
import { machine, table } from './lib/report';
import { gitlabWritePath } from './lib/gitlabWritePath';
import {
  printConcurrentDeployments,
  RELEASE_COLUMNS,
  releaseRow,
  replicaServices,
  timedRelease,
  WritePathFixture,
} from './lib/writePathRuns';

/**
 * How the release reads its manifest files: `graphql` is Shipdeck's
 * `readFiles` (one GraphQL query per 100 files); `per-file` is one contents
 * request per file, 8 at a time, as reads went before it, for comparison.
 */
type Reads = 'graphql' | 'per-file';

function readPerFile(repo: GitHubManifestRepository) {
  repo.readFiles = async (commit, paths) => {
    const files = new Map<string, string | undefined>();
    for (let i = 0; i < paths.length; i += 8) {
      const batch = paths.slice(i, i + 8);
      const contents = await Promise.all(
        batch.map(path => repo.readFile(commit, path)),
      );
      batch.forEach((path, j) => files.set(path, contents[j]));
    }
    return files;
  };
  return repo;
}

/** A GitHub stand-in over N synthetic services, and `replicas` backends' writers on it. */
async function standInWith(
  n: number,
  reads: Reads,
  replicas = 1,
): Promise<WritePathFixture> {
  const { seedDir, entities } = syntheticServices(n);
  const { dir } = await seedBareRepository({ files: filesOf(seedDir) });
  const standIn = createGitHubStandIn({
    repos: [{ owner: 'shop', repo: 'deploy', dir }],
  });
  const { url, close } = await standIn.start();
  const config = new ConfigReader({
    integrations: {
      github: [{ host: 'github.com', apiBaseUrl: url, token: 't' }],
    },
    gitops: {
      environments: [{ name: 'dev' }],
      manifests: {
        repo: 'github.com/shop/deploy',
        path: '{service}/overlays/{env}',
      },
      github: { throttle: false },
    },
  });
  const backends = await replicaServices(config, entities, replicas);
  if (reads === 'per-file') {
    for (const services of backends.services) {
      // Cached per id: the writer reads through this same instance.
      readPerFile(
        services.repositories.get(
          'github.com/shop/deploy',
        ) as GitHubManifestRepository,
      );
    }
  }
  return {
    ...backends,
    resetCalls: () => standIn.resetCalls(),
    callsSince: landed => callsOf(standIn, landed),
    async close() {
      await close();
      await backends.closeDatabase();
    },
  };
}

type StandIn = ReturnType<typeof createGitHubStandIn>;

/** The stand-in's calls by kind, and the attempts that were repeated. */
function callsOf(standIn: StandIn, landed: number) {
  const byKind = new Map<string, number>();
  for (const call of standIn.calls) {
    const parts = decodeURIComponent(call.path.split('?')[0]).split('/');
    let kind = `${call.method} ${parts[4]}`;
    if (parts[1] === 'graphql') kind = `${call.method} graphql`;
    else if (parts[4] === 'git') kind = `${call.method} git/${parts[5]}`;
    byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
  }
  // Octokit repeats requests answered 5xx or rate-limited; the writer
  // re-reads the head when another writer moved the branch, so each
  // head read beyond one per landed change set is a retry.
  const retried = standIn.calls.filter(
    c => (c.status ?? 0) >= 500 || c.status === 429 || c.status === 403,
  ).length;
  const reapplied = (byKind.get('GET git/ref') ?? landed) - landed;
  return { calls: standIn.calls.length, byKind, retries: retried + reapplied };
}

function throughput(
  label: string,
  content: string,
  target: Parameters<typeof writeVersion>[1],
) {
  const rounds = 2000;
  const started = performance.now();
  for (let i = 0; i < rounds; i++) {
    writeVersion(content, target, `1.${i}.0`);
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `${label.padEnd(18)}${String(content.length).padStart(8)} B${(
      rounds / seconds
    )
      .toFixed(0)
      .padStart(10)} edits/s`,
  );
}

async function main() {
  console.log(`Git write path against the GitHub stand-in — ${machine()}`);
  console.log(
    '\nGitHub API calls for one release (one commit) of N services, files read',
  );
  const releases: Array<Array<string | number>> = [];
  for (const reads of ['per-file', 'graphql'] as const) {
    for (const n of [1, 10, 100]) {
      releases.push(
        releaseRow(reads, await timedRelease(await standInWith(n, reads), n)),
      );
    }
  }
  table(['reads', ...RELEASE_COLUMNS], releases);

  console.log(
    '\n50 concurrent single-service deployments to one branch (one commit each)',
  );
  await printConcurrentDeployments(replicas =>
    standInWith(50, 'graphql', replicas),
  );

  // GitLab's figures, next to GitHub's (bench/lib/gitlabWritePath.ts).
  await gitlabWritePath();

  const manifests = resolve(__dirname, '../examples/manifests');
  const read = (p: string) => readFileSync(join(manifests, p), 'utf8');
  console.log('\nEdit throughput (pure functions, one file each)');
  console.log('strategy              size     rate');
  throughput(
    'kustomize-images',
    read('orders/overlays/dev/kustomization.yaml'),
    {
      file: 'k.yaml',
      strategy: 'kustomize-images',
      image: 'registry.shop.example/shop/orders',
    },
  );
  throughput('helm-values', read('charts/notifier/values-dev.yaml'), {
    file: 'v.yaml',
    strategy: 'helm-values',
    key: 'image.tag',
  });
  throughput('raw-image', read('dev/worker/workloads.yaml'), {
    file: 'w.yaml',
    strategy: 'raw-image',
    image: 'registry.shop.example/shop/worker',
  });
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
