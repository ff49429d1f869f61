/*
 * Write-path figures (not a test):
 *   1. GitHub API calls for one release of N = 1, 10, 100 services, against
 *      the GitHub stand-in (a real bare Git repository behind GitHub's REST API).
 *   2. Edit throughput of each manifest write strategy on the demo's files.
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
import { ManifestRepositories } from '../plugins/gitops-backend/src/scm/ManifestRepositories';
import { ChangeSetWriter } from '../plugins/gitops-backend/src/service/ChangeSetWriter';
import { TargetResolver } from '../plugins/gitops-backend/src/targets/TargetResolver';
import { syntheticServices } from '../plugins/gitops-backend/src/__testUtils__/syntheticServices';
import { filesOf } from '../plugins/gitops-backend/src/__testUtils__/githubBackend';

async function githubCallsPerRelease(n: number) {
  const { seedDir, entities } = syntheticServices(n);
  const { dir } = await seedBareRepository({ files: filesOf(seedDir) });
  const standIn = createGitHubStandIn({
    repos: [{ owner: 'shop', repo: 'deploy', dir }],
  });
  const { url, close } = await standIn.start();
  try {
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
    const repositories = ManifestRepositories.fromConfig(config, {
      logger: console as any,
      github: id => GitHubManifestRepository.fromConfig(id, config),
    });
    const targets = TargetResolver.fromConfig(config);
    const writer = new ChangeSetWriter(repositories);
    standIn.resetCalls();
    const started = performance.now();
    await writer.apply({
      edits: entities.map(e => ({
        target: targets.resolve(e)[0],
        version: '2.0.0',
      })),
      mode: 'commit',
      message: () => `release ${n}`,
      author: { name: 'bench', email: 'bench@example' },
    });
    const ms = performance.now() - started;
    const byKind = new Map<string, number>();
    for (const call of standIn.calls) {
      const parts = decodeURIComponent(call.path.split('?')[0]).split('/');
      const kind = `${call.method} ${
        parts[4] === 'git' ? `git/${parts[5]}` : parts[4]
      }`;
      byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
    }
    return { n, calls: standIn.calls.length, ms, byKind };
  } finally {
    await close();
  }
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
  console.log('GitHub API calls for one release (one commit) of N services');
  console.log('    N   calls  calls/service   wall ms   breakdown');
  for (const n of [1, 10, 100]) {
    const r = await githubCallsPerRelease(n);
    const breakdown = [...r.byKind].map(([k, v]) => `${k}×${v}`).join(', ');
    console.log(
      `${String(r.n).padStart(5)}${String(r.calls).padStart(8)}${(r.calls / r.n)
        .toFixed(2)
        .padStart(15)}${r.ms.toFixed(0).padStart(10)}   ${breakdown}`,
    );
  }

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
