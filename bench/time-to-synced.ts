/*
 * From a deployment request to Synced (not a test), in the demo's setup: the
 * demo's catalog and manifests in a local Git repository, Shipdeck's REST
 * API, and the Argo CD emulator over that repository with the demo's rollout
 * timings. The emulator polls Git every `--poll` seconds (default 180, as
 * Argo CD's default reconciliation timeout does), and each trial deploys a
 * new version of cart to dev twice:
 *   - as Shipdeck does: commit, then ask Argo CD to refresh the Application;
 *   - the same commit without that refresh, left to Argo CD's polling, as a
 *     change made by plain Git (or a tool that only commits) would be.
 * Synced and Healthy are read from the emulator every 100 ms, for the
 * deployment's commit.
 *
 * Run: eval "$(./shipdeck env)" && yarn bench:time-to-synced [--poll 180] [--trials 3]
 */
import { join } from 'node:path';
import { DeploymentOutcome } from '@shipdeck/plugin-gitops-common';
import { createEmulator } from '@shipdeck/argocd-emulator';
import { seedBareRepository } from '@shipdeck/github-stand-in';
import { HttpArgoCdClient } from '../plugins/gitops-backend/src/argocd/HttpArgoCdClient';
import { filesOf } from '../plugins/gitops-backend/src/__testUtils__/githubBackend';
import {
  exampleConfig,
  exampleEntities,
  examplesDir,
} from '../plugins/gitops-backend/src/__testUtils__/exampleBackend';
import { startBenchShipdeck } from './lib/benchShipdeck';
import { flags, latencies, machine, table } from './lib/report';

const options = flags({ poll: 180, trials: 3 });
const TOKEN = 'bench-token';
/** The demo's rollout timings (packages/argocd-emulator/src/main.ts). */
const DEMO_TIMINGS = { hookMs: 4000, progressingMs: 8000 };

type Path = 'refresh' | 'polling';

/** Shipdeck's Argo CD client, without the refresh it asks for after a commit. */
function withoutRefresh(client: HttpArgoCdClient): HttpArgoCdClient {
  return new Proxy(client, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (prop === 'getApplication') {
        return (ref: unknown) => value.call(target, ref);
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function startShipdeck(path: Path, repoDir: string, argocdUrl: string) {
  const { gitops } = exampleConfig(repoDir);
  return startBenchShipdeck({
    setup: {
      gitops: {
        ...gitops,
        argocd: {
          instances: [{ name: 'local', url: argocdUrl, token: TOKEN }],
        },
      },
      entities: exampleEntities(),
    },
    wrapArgocd: path === 'refresh' ? undefined : withoutRefresh,
  });
}

/** Polls the emulator until the Application is Synced, then Healthy, at `revision`. */
async function waitFor(argocdUrl: string, app: string, revision: string) {
  const started = performance.now();
  let synced: number | undefined;
  const deadline = started + (options.poll + 60) * 1000;
  for (;;) {
    const res = await fetch(`${argocdUrl}/api/v1/applications/${app}`, {
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    const body = (await res.json()) as any;
    const atRevision = body.status?.sync?.revision === revision;
    if (atRevision && body.status?.sync?.status === 'Synced') {
      synced ??= performance.now() - started;
      if (body.status?.health?.status === 'Healthy') {
        return { synced, healthy: performance.now() - started };
      }
    }
    if (performance.now() > deadline) {
      throw new Error(
        `${app} not Synced at ${revision} after ${options.poll + 60} s`,
      );
    }
    await new Promise(r => setTimeout(r, 100));
  }
}

async function deployOnce(
  shipdeckUrl: string,
  argocdUrl: string,
  version: string,
) {
  const started = performance.now();
  const res = await fetch(
    `${shipdeckUrl}/entities/default/component/cart/deployments`,
    {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ environment: 'dev', version }),
    },
  );
  const text = await res.text();
  if (!res.ok) {
    throw new Error(`deploy answered ${res.status}: ${text.slice(0, 500)}`);
  }
  const answered = performance.now() - started;
  const outcome = JSON.parse(text) as DeploymentOutcome;
  const record = outcome.deployments[0];
  const { synced, healthy } = await waitFor(
    argocdUrl,
    record.argocd?.name ?? 'cart-dev',
    outcome.commitSha!,
  );
  return { answered, synced: answered + synced, healthy: answered + healthy };
}

async function main() {
  console.log(`Deployment request → Synced, demo setup — ${machine()}`);
  console.log(
    `Argo CD emulator polling Git every ${options.poll} s; demo timings (hooks ${DEMO_TIMINGS.hookMs} ms, progressing ${DEMO_TIMINGS.progressingMs} ms); ${options.trials} trial(s) per path`,
  );
  const { dir: repoDir } = await seedBareRepository({
    files: filesOf(join(examplesDir, 'manifests')),
  });
  const emulator = createEmulator({
    repoDir,
    token: TOKEN,
    pollIntervalMs: options.poll * 1000,
    timings: DEMO_TIMINGS,
    log: () => {},
  });
  const { url: argocdUrl } = await emulator.start();
  await emulator.reconcileNow();
  const results: Record<Path, Array<Awaited<ReturnType<typeof deployOnce>>>> = {
    refresh: [],
    polling: [],
  };
  try {
    for (let trial = 0; trial < options.trials; trial++) {
      for (const path of ['refresh', 'polling'] as const) {
        const shipdeck = await startShipdeck(path, repoDir, argocdUrl);
        try {
          const version = `9.${trial}.${path === 'refresh' ? 0 : 1}`;
          const r = await deployOnce(shipdeck.url, argocdUrl, version);
          results[path].push(r);
          console.log(
            `  trial ${trial + 1} ${path}: answered ${r.answered.toFixed(
              0,
            )} ms, Synced ${(r.synced / 1000).toFixed(1)} s, Healthy ${(
              r.healthy / 1000
            ).toFixed(1)} s`,
          );
        } finally {
          await shipdeck.close();
        }
      }
    }
  } finally {
    await emulator.stop();
  }
  const s = (xs: number[]) => latencies(xs);
  table(
    [
      'path',
      'trials',
      'request ms (median)',
      'Synced s (median)',
      'Synced s (max)',
      'commit → Synced s (median)',
      'Healthy s (median)',
    ],
    (['refresh', 'polling'] as const).map(path => {
      const rs = results[path];
      return [
        path === 'refresh'
          ? 'Shipdeck (commit + refresh)'
          : `commit only (poll ${options.poll} s)`,
        rs.length,
        s(rs.map(r => r.answered)).p50.toFixed(0),
        (s(rs.map(r => r.synced)).p50 / 1000).toFixed(1),
        (s(rs.map(r => r.synced)).max / 1000).toFixed(1),
        (s(rs.map(r => r.synced - r.answered)).p50 / 1000).toFixed(1),
        (s(rs.map(r => r.healthy)).p50 / 1000).toFixed(1),
      ];
    }),
  );
  console.log(
    `  Waiting for polling costs on average half the interval (${(
      options.poll / 2
    ).toFixed(0)} s) and at most all of it (${
      options.poll
    } s), plus the rollout.`,
  );
}

main().then(
  () => process.exit(0),
  error => {
    // Database errors carry their whole statement: keep the message short.
    console.error(String(error?.stack ?? error).slice(0, 2000));
    process.exit(1);
  },
);
