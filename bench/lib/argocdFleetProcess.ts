/*
 * Child process of the Argo CD benches: three Argo CD emulators (one per
 * environment), each over its own bare manifest repository. It runs in its
 * own process so that Argo CD's CPU (reconciles, serialising lists) is not
 * charged to Shipdeck's event loop, as in production where Argo CD is a
 * separate server.
 *
 * argv: <services>. Answers `counts` (/api/v1 requests per instance) and
 * `reconcile` (every instance, now).
 */
import { execFile } from 'node:child_process';
import {
  createServer,
  IncomingMessage,
  Server,
  ServerResponse,
} from 'node:http';
import { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { commitFiles, createEmulator } from '@shipdeck/argocd-emulator';
import {
  BENCH_TOKEN,
  ENVIRONMENTS,
  EMULATOR_POLL_MS,
  FleetReady,
} from './argocdFleet';
import { serveParent } from './child';
import { manifestRepoFiles } from './manifests';

type Emulator = ReturnType<typeof createEmulator>;

interface Instance {
  name: string;
  emulator: Emulator;
  server: Server;
  url: string;
  /** /api/v1 requests received: Argo CD's side of the call count. */
  apiRequests: number;
}

async function createRepo(root: string, env: string, services: number) {
  const dir = join(root, `${env}.git`);
  await promisify(execFile)('git', [
    'init',
    '--quiet',
    '--bare',
    '--initial-branch=main',
    dir,
  ]);
  await commitFiles(dir, manifestRepoFiles(env, services), {
    message: `${services} ${env} applications`,
  });
  return dir;
}

/**
 * Serves the emulator's Express app behind a plain HTTP server that counts
 * /api/v1 requests, so the parent can check from Argo CD's side too that
 * page views send nothing upstream.
 */
async function listen(name: string, emulator: Emulator): Promise<Instance> {
  const instance = { name, emulator, apiRequests: 0 } as Instance;
  instance.server = createServer(
    (req: IncomingMessage, res: ServerResponse) => {
      if (req.url?.startsWith('/api/v1/')) instance.apiRequests++;
      emulator.app(req, res);
    },
  );
  await new Promise<void>(resolve =>
    instance.server.listen(0, '127.0.0.1', resolve),
  );
  const { port } = instance.server.address() as AddressInfo;
  instance.url = `http://127.0.0.1:${port}`;
  return instance;
}

/** Polls the list endpoint until every app is there and Healthy (adopted). */
async function waitForApps(instance: Instance, expected: number) {
  const deadline = Date.now() + 300_000;
  const fields = 'items.metadata.name,items.status.health';
  for (;;) {
    // A busy emulator may drop a connection while it reconciles: ask again.
    const body = await fetch(
      `${instance.url}/api/v1/applications?fields=${fields}`,
      { headers: { Authorization: `Bearer ${BENCH_TOKEN}` } },
    )
      .then(
        res =>
          res.json() as Promise<{
            items?: Array<{ status?: { health?: { status?: string } } }> | null;
          }>,
      )
      .catch(() => ({ items: [] }));
    const items = body.items ?? [];
    const healthy = items.filter(i => i.status?.health?.status === 'Healthy');
    if (items.length === expected && healthy.length === expected) return;
    if (Date.now() > deadline) {
      throw new Error(
        `emulator ${instance.name}: ${healthy.length}/${expected} apps Healthy after 300 s`,
      );
    }
    await new Promise(r => setTimeout(r, 200));
  }
}

serveParent(async () => {
  const services = Number(process.argv[2]);
  const started = performance.now();
  const root = await mkdtemp(join(tmpdir(), 'shipdeck-bench-argocd-'));
  const instances: Instance[] = [];
  const stop = async () => {
    for (const i of instances) {
      await i.emulator.stop();
      i.server.closeAllConnections();
      await new Promise(r => i.server.close(r));
    }
    await rm(root, { recursive: true, force: true });
  };
  try {
    for (const env of ENVIRONMENTS) {
      const emulator = createEmulator({
        repoDir: await createRepo(root, env, services),
        token: BENCH_TOKEN,
        pollIntervalMs: EMULATOR_POLL_MS,
        log: message => console.error(`[argocd ${env}] ${message}`),
      });
      instances.push(await listen(env, emulator));
    }
    await Promise.all(instances.map(i => waitForApps(i, services)));
  } catch (error) {
    await stop();
    throw error;
  }
  // Readiness polls are not the backends' calls.
  instances.forEach(i => (i.apiRequests = 0));
  return {
    ready: {
      instances: instances.map(i => ({ name: i.name, url: i.url })),
      readyMs: performance.now() - started,
    } satisfies FleetReady,
    handlers: {
      counts: () =>
        Object.fromEntries(instances.map(i => [i.name, i.apiRequests])),
      reconcile: async () => {
        await Promise.all(instances.map(i => i.emulator.reconcileNow()));
      },
    },
    stop,
  };
});
