/*
 * Argo CD read-path figures (not a test), for 100, 500 and 2,000 Argo CD
 * Applications over three Argo CD instances (one per environment):
 *   (a) upstream Argo CD calls made by Shipdeck's snapshot task (first look
 *       and steady state; per minute at the default 30 s interval), and by
 *       page views (must be 0);
 *   (b) latency and payload of GET /api/gitops/overview for 1, 10 and 50
 *       concurrent viewers.
 * Shipdeck's real code runs (SnapshotRefresher, stores on SQLite, router,
 * services, HttpArgoCdClient) against three Argo CD emulators in a child
 * process; only catalog, auth, auditor and permissions are stand-ins.
 *
 * Run: eval "$(./shipdeck env)" && yarn bench:argocd [sizes…]
 */
import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { availableParallelism, cpus } from 'node:os';
import { gzipSync } from 'node:zlib';
import express from 'express';
import { ConfigReader } from '@backstage/config';
import { HttpArgoCdClient } from '../plugins/gitops-backend/src/argocd/HttpArgoCdClient';
import {
  createGitopsServices,
  createGitopsStores,
} from '../plugins/gitops-backend/src/createGitopsServices';
import { createRouter } from '../plugins/gitops-backend/src/router';
import { SnapshotRefresher } from '../plugins/gitops-backend/src/snapshots/SnapshotRefresher';
import { SnapshotStore } from '../plugins/gitops-backend/src/database/SnapshotStore';
import { ArgoCdFleet, ENVIRONMENTS, startArgoCdFleet } from './lib/argocdFleet';
import { benchDatabase } from './lib/database';
import { instrument, Tally } from './lib/instrument';
import {
  auditor,
  auth,
  httpAuth,
  inMemoryCatalog,
  logger,
  permissions,
  syntheticEntities,
} from './lib/standIns';
import { runViewers } from './lib/viewers';

// `yarn bench:argocd 100 500` runs only those sizes.
const APP_COUNTS =
  process.argv.length > 2
    ? process.argv.slice(2).map(Number)
    : [100, 500, 2000];
const VIEWER_COUNTS = [1, 10, 50];
/** The snapshot task's default schedule (plugin.ts): one look per 30 s. */
const LOOKS_PER_MINUTE = 2;
const STEADY_LOOKS = 4;
const VIEW_DURATION_MS = 4_000;

// ---- Shipdeck, wired as plugin.ts wires it ----------------------------------

interface Shipdeck {
  client: HttpArgoCdClient;
  refresher: SnapshotRefresher;
  snapshots: SnapshotStore;
  /** Where the instrumented look spent its time (reset per look). */
  tally: Tally;
  /** Time of the overview's database reads (reset per viewer phase). */
  viewTally: Tally;
  /** http://127.0.0.1:<port>/api/gitops */
  baseUrl: string;
  close(): Promise<void>;
}

async function startShipdeck(
  fleet: ArgoCdFleet,
  services: number,
): Promise<Shipdeck> {
  const { database, close: closeDatabase } = await benchDatabase();
  const config = new ConfigReader({
    gitops: {
      environments: ENVIRONMENTS.map(name => ({ name, argocdInstance: name })),
      // Needed for entities to count as managed; the overview never opens it.
      manifests: { repo: 'local:bench' },
      argocd: { instances: fleet.instances },
    },
  });

  // The bench counts Argo CD calls and times store reads on instrumented
  // views of the real client and stores; everything else is plugin wiring.
  const client = HttpArgoCdClient.fromConfig(config, { logger });
  const stores = await createGitopsStores({ database });
  const tally = new Tally();
  const viewTally = new Tally();
  const gitops = await createGitopsServices({
    config,
    logger,
    database,
    auth,
    permissions,
    catalog: inMemoryCatalog(syntheticEntities(services)),
    argocd: instrument(
      client,
      { listApplications: 'argocd list', getApplication: 'argocd get' },
      tally,
    ),
    stores: {
      ...stores,
      // The refresher's reads and writes, then the overview's reads.
      deployments: instrument(
        instrument(
          stores.deployments,
          { listInFlight: 'db read', addStep: 'db write' },
          tally,
        ),
        { latestPerTarget: 'latestPerTarget' },
        viewTally,
      ),
      snapshots: instrument(
        instrument(
          stores.snapshots,
          {
            listInstance: 'db read',
            replaceInstance: 'db write snapshots',
            appendEvents: 'db write events',
            recordAttempt: 'db write status',
          },
          tally,
        ),
        { getMany: 'getMany', instanceStatuses: 'instanceStatuses' },
        viewTally,
      ),
    },
  });
  const router = await createRouter({
    ...gitops,
    auth,
    httpAuth,
    auditor,
  });
  const app = express();
  app.use('/api/gitops', router);
  app.use(
    (
      error: Error,
      _req: express.Request,
      res: express.Response,
      _next: express.NextFunction,
    ) => {
      res.status(500).json({ error: { message: error.message } });
    },
  );
  const server = await new Promise<Server>(resolve => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;

  return {
    client,
    refresher: gitops.refresher,
    snapshots: stores.snapshots,
    tally,
    viewTally,
    baseUrl: `http://127.0.0.1:${port}/api/gitops`,
    async close() {
      server.closeAllConnections();
      await new Promise(resolve => server.close(resolve));
      await closeDatabase();
    },
  };
}

// ---- (a) the snapshot task's upstream calls ---------------------------------

interface Look {
  calls: number;
  lists: number;
  gets: number;
  ms: number;
  /** Calls and summed ms per step. */
  steps: Tally['byLabel'];
}

const sum = (counts: Record<string, number>) =>
  Object.values(counts).reduce((a, b) => a + b, 0);

function callsSince(
  before: Record<string, number>,
  after: Record<string, number>,
) {
  return sum(after) - sum(before);
}

/** One refreshAll(), with the HTTP requests it sent and where its time went. */
async function look(shipdeck: Shipdeck, apps: number): Promise<Look> {
  shipdeck.tally.clear();
  const before = shipdeck.client.callCounts();
  const started = performance.now();
  await shipdeck.refresher.refreshAll();
  const ms = performance.now() - started;
  const calls = callsSince(before, shipdeck.client.callCounts());

  // refreshInstance logs and records a failure instead of throwing.
  const statuses = await shipdeck.snapshots.instanceStatuses();
  const failed = [...statuses.values()].filter(s => s.lastError);
  if (failed.length) {
    throw new Error(
      `look failed: ${failed
        .map(s => `${s.instance}: ${s.lastError}`)
        .join('; ')}`,
    );
  }
  const stored = (await shipdeck.snapshots.listAll()).length;
  if (stored !== apps) throw new Error(`stored ${stored} of ${apps} apps`);

  return {
    calls,
    lists: shipdeck.tally.calls('argocd list'),
    gets: shipdeck.tally.calls('argocd get'),
    ms,
    steps: new Map(shipdeck.tally.byLabel),
  };
}

/** Where a look's time went; summed over the three instances, which run in parallel. */
function breakdown(steps: Look['steps']) {
  return [...steps]
    .map(([label, { calls, ms }]) => `${label} ${ms.toFixed(0)} ms/${calls}`)
    .join(', ');
}

// ---- (b) the overview route under viewers -----------------------------------

interface ViewRow {
  viewers: number;
  requests: number;
  perSecond: number;
  p50: number;
  p95: number;
  max: number;
  bytes: number;
  /** Upstream calls during the phase, from Shipdeck's client and from Argo CD's side. */
  clientCalls: number;
  argoRequests: number;
  /**
   * Mean wall time per view with a database read in flight (the overview's
   * three reads run in parallel, queued on SQLite's one connection).
   */
  dbMsPerView: number;
}

/** A route that answered: its size and how it held up under viewers. */
interface RouteFigures {
  path: string;
  rows: number;
  bytes: number;
  gzip: number;
  views: ViewRow[];
}

/** A route that did not: the status and the reason, shortened. */
interface RouteFailure {
  path: string;
  status: number;
  reason: string;
}

function percentile(sorted: number[], p: number) {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function views(
  shipdeck: Shipdeck,
  fleet: ArgoCdFleet,
  url: string,
  viewers: number,
): Promise<ViewRow> {
  const clientBefore = shipdeck.client.callCounts();
  const argoBefore = await fleet.requestCounts();
  shipdeck.viewTally.clear();
  const result = await runViewers({
    url,
    viewers,
    durationMs: VIEW_DURATION_MS,
  });
  const clientCalls = callsSince(clientBefore, shipdeck.client.callCounts());
  const argoRequests = callsSince(argoBefore, await fleet.requestCounts());

  const failures = Object.entries(result.statuses).filter(([s]) => s !== '200');
  if (failures.length) {
    throw new Error(`${url} answered ${JSON.stringify(result.statuses)}`);
  }
  const sorted = [...result.latenciesMs].sort((a, b) => a - b);
  return {
    viewers,
    requests: sorted.length,
    perSecond: sorted.length / (result.elapsedMs / 1000),
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    max: sorted[sorted.length - 1],
    bytes: result.bytes,
    clientCalls,
    argoRequests,
    // Includes the viewers' unmeasured first requests: a mean per view.
    dbMsPerView:
      shipdeck.viewTally.busyMs / shipdeck.viewTally.calls('getMany'),
  };
}

/**
 * One answer: checks it has every row, each with the Healthy status from the
 * snapshot, and measures what gzip would make of it.
 */
async function probe(
  url: string,
  path: string,
  expectedRows: number,
): Promise<{ rows: number; bytes: number; gzip: number } | RouteFailure> {
  const res = await fetch(url);
  const text = await res.text();
  if (res.status !== 200) {
    // Knex puts the whole statement before the database's message.
    const message = (JSON.parse(text)?.error?.message ?? text) as string;
    return { path, status: res.status, reason: message.split(' - ').pop()! };
  }
  const body = JSON.parse(text) as {
    rows: Array<{ status?: { health?: string } }>;
  };
  if (body.rows.length !== expectedRows) {
    throw new Error(
      `${path} has ${body.rows.length} rows, expected ${expectedRows}`,
    );
  }
  const unhealthy = body.rows.filter(r => r.status?.health !== 'Healthy');
  if (unhealthy.length) {
    throw new Error(`${path}: ${unhealthy.length} rows are not Healthy`);
  }
  return {
    rows: body.rows.length,
    bytes: Buffer.byteLength(text),
    gzip: gzipSync(text).length,
  };
}

/** Size and latency of one GET route under 1, 10 and 50 viewers. */
async function measureRoute(
  shipdeck: Shipdeck,
  fleet: ArgoCdFleet,
  path: string,
  expectedRows: number,
): Promise<RouteFigures | RouteFailure> {
  const url = `${shipdeck.baseUrl}${path}`;
  // Warm-up (JIT, statement cache) before the answer that is sized.
  for (let i = 0; i < 3; i++) await probe(url, path, expectedRows);
  const sample = await probe(url, path, expectedRows);
  if ('reason' in sample) return sample;
  const rows: ViewRow[] = [];
  for (const viewers of VIEWER_COUNTS) {
    rows.push(await views(shipdeck, fleet, url, viewers));
  }
  return { path, ...sample, views: rows };
}

// ---- one application count ---------------------------------------------------

interface SizeResult {
  apps: number;
  services: number;
  fleetReadyMs: number;
  first: Look;
  steady: Look[];
  overview: RouteFigures | RouteFailure;
  /** Measured only when the full overview fails: one environment's rows. */
  oneEnvironment?: RouteFigures | RouteFailure;
}

async function benchSize(target: number): Promise<SizeResult> {
  // Every service runs in all three environments.
  const services = Math.round(target / ENVIRONMENTS.length);
  const apps = services * ENVIRONMENTS.length;
  const fleet = await startArgoCdFleet(services);
  let shipdeck: Shipdeck | undefined;
  try {
    shipdeck = await startShipdeck(fleet, services);

    const first = await look(shipdeck, apps);
    const steady: Look[] = [];
    for (let i = 0; i < STEADY_LOOKS; i++) {
      // Between two looks Argo CD reconciles every app (reconciledAt moves).
      await fleet.reconcile();
      steady.push(await look(shipdeck, apps));
    }

    const overview = await measureRoute(shipdeck, fleet, '/overview', apps);
    // If the whole fleet cannot be shown, the closest figure that can is one
    // environment (a third of the rows), filtered by the same route.
    const oneEnvironment =
      'reason' in overview
        ? await measureRoute(
            shipdeck,
            fleet,
            '/overview?environment=production',
            services,
          )
        : undefined;
    return {
      apps,
      services,
      fleetReadyMs: fleet.readyMs,
      first,
      steady,
      overview,
      oneEnvironment,
    };
  } finally {
    await shipdeck?.close();
    await fleet.stop();
  }
}

// ---- printing -------------------------------------------------------------------

function table(headers: string[], rows: Array<Array<string | number>>) {
  const cells = [headers, ...rows.map(r => r.map(String))];
  const widths = headers.map((_, c) =>
    Math.max(...cells.map(row => row[c].length)),
  );
  for (const row of cells) {
    const padded = row.map((cell, c) =>
      c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]),
    );
    console.log(`    ${padded.join('  ')}`);
  }
}

const ms = (x: number) => x.toFixed(1);
const median = (xs: number[]) =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function printLooks(r: SizeResult) {
  console.log(
    '  (a) Snapshot task: upstream Argo CD HTTP requests (HttpArgoCdClient.callCounts())',
  );
  const steadyCalls = r.steady.map(l => l.calls);
  table(
    ['look', 'calls/look', 'lists', 'full GETs', 'calls/min @30s', 'look ms'],
    [
      [
        'first look (empty DB)',
        r.first.calls,
        r.first.lists,
        r.first.gets,
        r.first.calls * LOOKS_PER_MINUTE,
        ms(r.first.ms),
      ],
      [
        `steady state (median of ${r.steady.length})`,
        median(steadyCalls),
        median(r.steady.map(l => l.lists)),
        median(r.steady.map(l => l.gets)),
        median(steadyCalls) * LOOKS_PER_MINUTE,
        ms(median(r.steady.map(l => l.ms))),
      ],
    ],
  );
  console.log(
    `    steady looks: calls ${steadyCalls.join(', ')}; ms ${r.steady
      .map(l => l.ms.toFixed(0))
      .join(', ')}`,
  );
  console.log(`    first look time:  ${breakdown(r.first.steps)}`);
  console.log(
    `    steady look time: ${breakdown(r.steady[r.steady.length - 1].steps)}`,
  );
  console.log(
    '    (ms/calls per step, summed over the 3 instances, which are looked at in parallel)',
  );
}

/** Prints a route's figures; returns the upstream calls its page views made. */
function printRoute(label: string, route: RouteFigures | RouteFailure) {
  if ('reason' in route) {
    console.log(
      `  ${label} GET /api/gitops${route.path}: FAILED, HTTP ${route.status}: ${route.reason}`,
    );
    return 0;
  }
  console.log(
    `  ${label} GET /api/gitops${route.path}: ${route.rows} rows, ${route.bytes} B (gzip ${route.gzip} B)`,
  );
  table(
    [
      'viewers',
      'requests',
      'req/s',
      'p50 ms',
      'p95 ms',
      'max ms',
      'bytes',
      'gzip B',
      'upstream calls (argo saw)',
      'calls/view',
    ],
    route.views.map(v => [
      v.viewers,
      v.requests,
      v.perSecond.toFixed(1),
      ms(v.p50),
      ms(v.p95),
      ms(v.max),
      v.bytes,
      route.gzip,
      `${v.clientCalls} (${v.argoRequests})`,
      v.clientCalls / v.requests,
    ]),
  );
  // Alone, a view's time is its own: split it into database and the rest.
  const alone = route.views.find(v => v.viewers === 1);
  if (alone) {
    const perRequest = 1000 / alone.perSecond;
    console.log(
      `    one viewer, mean per view ${ms(perRequest)} ms: database ${ms(
        alone.dbMsPerView,
      )} ms (3 reads in parallel, parsing stored snapshots included), rest ${ms(
        perRequest - alone.dbMsPerView,
      )} ms (catalog, targets, rows, JSON, HTTP)`,
    );
  }
  return route.views.reduce((a, v) => a + v.clientCalls + v.argoRequests, 0);
}

/** Prints one application count; returns what failed. */
function print(r: SizeResult): string[] {
  console.log(
    `\nN = ${r.apps} Argo CD Applications (${r.services} services × ${ENVIRONMENTS.length} environments; ${r.services} per instance × ${ENVIRONMENTS.length} instances)`,
  );
  console.log(
    `  emulators seeded and Healthy in ${(r.fleetReadyMs / 1000).toFixed(1)} s`,
  );
  printLooks(r);
  let upstream = printRoute('(b)', r.overview);
  if (r.oneEnvironment) {
    upstream += printRoute('(b, one environment)', r.oneEnvironment);
  }
  console.log(
    `    page views → upstream Argo CD calls: ${
      upstream === 0 ? 'OK, 0' : `FAIL, ${upstream}`
    }`,
  );
  const failures: string[] = [];
  for (const route of [r.overview, r.oneEnvironment]) {
    if (route && 'reason' in route) {
      failures.push(
        `N=${r.apps}: GET ${route.path} answered ${route.status}: ${route.reason}`,
      );
    }
  }
  if (upstream !== 0) {
    failures.push(`N=${r.apps}: page views made ${upstream} Argo CD calls`);
  }
  return failures;
}

async function main() {
  const started = performance.now();
  console.log(
    `Shipdeck Argo CD read path — ${
      cpus()[0]?.model ?? 'unknown CPU'
    }, ${availableParallelism()} cores, Node ${
      process.version
    }, SQLite (better-sqlite3), 3 Argo CD emulators in a child process`,
  );
  console.log(
    `Viewer phases: ${
      VIEW_DURATION_MS / 1000
    } s each, after one unmeasured request per viewer (opens its connection); load from a worker thread.`,
  );
  const failures: string[] = [];
  for (const apps of APP_COUNTS) {
    failures.push(...print(await benchSize(apps)));
  }
  console.log(`\nTotal ${((performance.now() - started) / 1000).toFixed(1)} s`);
  if (failures.length) {
    console.log(`\n${failures.length} check(s) failed:`);
    failures.forEach(f => console.log(`  - ${f}`));
    process.exit(1);
  }
}

main().then(
  () => process.exit(0),
  error => {
    console.error(error);
    process.exit(1);
  },
);
