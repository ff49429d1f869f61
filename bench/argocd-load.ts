/*
 * Argo CD read path under load (not a test): Shipdeck beside the most used
 * Backstage Argo CD backend, @roadiehq/backstage-plugin-argo-cd-backend, in
 * the same run against the same Argo CD emulators (three instances, one per
 * environment) holding 100, 500 and 2,000 Applications. Each backend runs in
 * its own process; 1, 10 and 50 concurrent viewers look at
 *   - an entity page: one service in its three environments. Shipdeck:
 *     GET /entities/…/environments. Roadie (what its Argo CD card does for
 *     an argocd/app-selector annotation): GET /find/selector/…, then
 *     GET /argoInstance/<instance>/applications/selector/… per instance;
 *   - the overview: every service × environment. Shipdeck: GET /overview
 *     (its first page). Roadie has no overview; the closest it serves is
 *     GET /allArgoApps/<instance> for each instance.
 * Printed per cell: upstream Argo CD calls per minute (counted by the
 * emulators), p50/p95 of a whole page view, bytes of one view, the backend's
 * peak resident memory, and Roadie ÷ Shipdeck.
 *
 * Run: eval "$(./shipdeck env)" && yarn bench:argocd [--sizes 100,500,2000]
 *        [--viewers 1,10,50] [--duration 120]   (seconds per cell)
 *        [--pages entity,overview]
 */
import { ArgoCdFleet, ENVIRONMENTS, startArgoCdFleet } from './lib/argocdFleet';
import { Child, peakMemory, startChild } from './lib/child';
import { serviceName } from './lib/manifests';
import {
  flags,
  kB,
  latencies,
  machine,
  MB,
  ms,
  ratio,
  table,
} from './lib/report';
import type { Look } from './lib/shipdeckProcess';
import { PageView, runViewers } from './lib/viewers';

const options = flags({
  sizes: [100, 500, 2000],
  viewers: [1, 10, 50],
  /** Seconds per cell (backend × page × viewers). */
  duration: 120,
  /** Snapshot looks after the first, each after a full reconcile. */
  looks: 4,
  /** The pages measured: `entity,overview`, or one of them. */
  pages: 'entity,overview',
});
const PAGES = options.pages.split(',') as Page[];
/** The snapshot task's default schedule (plugin.ts): one look per 30 s. */
const LOOKS_PER_MINUTE = 2;

type Backend = 'shipdeck' | 'roadie';
type Page = 'entity' | 'overview';

interface Cell {
  viewers: number;
  views: number;
  failedViews: number;
  p50: number;
  p95: number;
  bytesPerView: number;
  /** Requests Argo CD received during the phase. */
  argoCalls: number;
  callsPerMinute: number;
  peakRssBytes: number;
  peakHeapBytes: number;
}

/** Every service's page, as each backend's frontend would load it. */
function pageViews(
  backend: Backend,
  page: Page,
  url: string,
  services: number,
): PageView[] {
  if (page === 'overview') {
    return backend === 'shipdeck'
      ? [[[`${url}/overview`]]]
      : [[ENVIRONMENTS.map(instance => `${url}/allArgoApps/${instance}`)]];
  }
  return Array.from({ length: services }, (_, i) => {
    const service = serviceName(i);
    if (backend === 'shipdeck') {
      return [[`${url}/entities/default/component/${service}/environments`]];
    }
    const selector = encodeURIComponent(`shipdeck.io/service=${service}`);
    return [
      [`${url}/find/selector/${selector}`],
      ENVIRONMENTS.map(
        instance =>
          `${url}/argoInstance/${instance}/applications/selector/${selector}`,
      ),
    ];
  });
}

const sumOf = (counts: Record<string, number>) =>
  Object.values(counts).reduce((a, b) => a + b, 0);

async function measure(
  fleet: ArgoCdFleet,
  child: Child<{ url: string }>,
  views: PageView[],
  viewers: number,
  /** Shipdeck's snapshot task, which runs whether or not anyone looks. */
  taskCallsPerMinute: number,
): Promise<Cell> {
  const before = sumOf(await fleet.requestCounts());
  const { result, peakRssBytes, heapUsedBytes } = await peakMemory(child, () =>
    runViewers({ views, viewers, durationMs: options.duration * 1000 }),
  );
  const argoCalls = sumOf(await fleet.requestCounts()) - before;
  const failures = Object.entries(result.statuses).filter(([s]) => s !== '200');
  if (failures.length) {
    console.log(
      `    ${new URL(views[0][0][0]).pathname} ×${viewers}: ${
        result.failedViews
      } failed views; answers ${JSON.stringify(result.statuses)}`,
    );
  }
  const l = latencies(result.latenciesMs);
  return {
    viewers,
    views: l.count,
    failedViews: result.failedViews,
    p50: l.p50,
    p95: l.p95,
    bytesPerView: result.bytesPerView,
    argoCalls,
    callsPerMinute:
      taskCallsPerMinute + argoCalls / (result.elapsedMs / 60_000),
    peakRssBytes,
    peakHeapBytes: heapUsedBytes,
  };
}

const median = (xs: number[]) =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function benchSize(target: number) {
  // Every service runs in all three environments.
  const services = Math.round(target / ENVIRONMENTS.length);
  const apps = services * ENVIRONMENTS.length;
  const fleet = await startArgoCdFleet(services);
  const children: Array<Child<{ url: string }>> = [];
  try {
    const shipdeck = await startChild<{ url: string }>(
      require.resolve('./lib/shipdeckProcess.ts'),
      [JSON.stringify({ instances: fleet.instances, services })],
    );
    children.push(shipdeck);
    const roadie = await startChild<{ url: string }>(
      require.resolve('./lib/roadieProcess.ts'),
      [JSON.stringify({ instances: fleet.instances })],
    );
    children.push(roadie);

    console.log(
      `\nN = ${apps} Applications (${services} services × ${
        ENVIRONMENTS.length
      } environments, ${services} per instance); emulators ready in ${(
        fleet.readyMs / 1000
      ).toFixed(1)} s`,
    );
    const first = await shipdeck.ask<Look>('look');
    const steady: Look[] = [];
    for (let i = 0; i < options.looks; i++) {
      // Between two looks Argo CD reconciles every app (reconciledAt moves).
      await fleet.reconcile();
      steady.push(await shipdeck.ask<Look>('look'));
    }
    const steadyCalls = median(steady.map(l => l.calls));
    console.log(
      `  Shipdeck snapshot task: first look ${first.calls} calls (${
        first.lists
      } lists, ${first.gets} GETs) in ${ms(first.ms)} ms; steady ${steady
        .map(l => l.calls)
        .join('/')} calls in ${steady
        .map(l => l.ms.toFixed(0))
        .join('/')} ms → ${
        steadyCalls * LOOKS_PER_MINUTE
      } calls/min at its 30 s default`,
    );

    const overviewUrl = `${shipdeck.ready.url}/overview`;
    const sizes = await Promise.all(
      [overviewUrl, `${overviewUrl}?limit=1000`].map(async url => {
        const text = await (await fetch(url)).text();
        const body = JSON.parse(text);
        const unhealthy = body.rows.filter(
          (r: any) => r.status?.health !== 'Healthy',
        );
        if (unhealthy.length) {
          throw new Error(`${url}: ${unhealthy.length} rows not Healthy`);
        }
        return { bytes: Buffer.byteLength(text), rows: body.rows.length };
      }),
    );
    console.log(
      `  Shipdeck overview: first page ${sizes[0].rows} rows, ${kB(
        sizes[0].bytes,
      )} kB; every service in one answer (limit=1000) ${
        sizes[1].rows
      } rows, ${kB(sizes[1].bytes)} kB`,
    );

    const rows: Array<Array<string | number>> = [];
    const cells: Record<string, Cell> = {};
    for (const page of PAGES) {
      for (const viewers of options.viewers) {
        const s = await measure(
          fleet,
          shipdeck,
          pageViews('shipdeck', page, shipdeck.ready.url, services),
          viewers,
          steadyCalls * LOOKS_PER_MINUTE,
        );
        if (s.argoCalls !== 0) {
          throw new Error(
            `Shipdeck ${page} views made ${s.argoCalls} Argo CD calls`,
          );
        }
        const r = await measure(
          fleet,
          roadie,
          pageViews('roadie', page, roadie.ready.url, services),
          viewers,
          0,
        );
        cells[`${page}/${viewers}`] = s;
        rows.push([
          `${page} ×${viewers}`,
          `${s.callsPerMinute.toFixed(0)} | ${r.callsPerMinute.toFixed(0)}`,
          ratio(s.callsPerMinute, r.callsPerMinute),
          `${ms(s.p50)} | ${ms(r.p50)}`,
          `${ms(s.p95)} | ${ms(r.p95)}`,
          ratio(s.p95, r.p95),
          `${kB(s.bytesPerView)} | ${kB(r.bytesPerView)}`,
          ratio(s.bytesPerView, r.bytesPerView),
          `${MB(s.peakHeapBytes)} | ${MB(r.peakHeapBytes)}`,
          ratio(s.peakHeapBytes, r.peakHeapBytes),
          `${MB(s.peakRssBytes)} | ${MB(r.peakRssBytes)}`,
          `${s.views}${s.failedViews ? ` (${s.failedViews} failed)` : ''} | ${
            r.views
          }${r.failedViews ? ` (${r.failedViews} failed)` : ''}`,
        ]);
      }
    }
    console.log('  Shipdeck | Roadie, and Roadie ÷ Shipdeck:');
    table(
      [
        'page ×viewers',
        'Argo CD calls/min',
        '÷',
        'p50 ms',
        'p95 ms',
        '÷',
        'kB/view',
        '÷',
        'peak heap MB',
        '÷',
        'peak RSS MB',
        'views',
      ],
      rows,
    );
    return { apps, cells, overviewBytes: sizes[0].bytes };
  } finally {
    for (const child of children) await child.stop();
    await fleet.stop();
  }
}

async function main() {
  const started = performance.now();
  console.log(
    `Argo CD read path: Shipdeck and @roadiehq/backstage-plugin-argo-cd-backend — ${machine()}`,
  );
  console.log(
    `${options.duration} s per cell after one unmeasured view per viewer; viewers in a worker thread; each backend and the 3 emulators in their own processes; Shipdeck on SQLite.`,
  );
  console.log(
    "Shipdeck's calls/min are its snapshot task's (30 s default), measured per look; its page views are checked to make none. Roadie's are what its page views sent.",
  );
  const results = [];
  for (const size of options.sizes) results.push(await benchSize(size));
  if (!PAGES.includes('overview')) return;
  console.log('\nShipdeck overview p95 (first page) by viewers:');
  table(
    ['apps', 'kB', ...options.viewers.map(v => `p95 ms ×${v}`)],
    results.map(r => [
      r.apps,
      kB(r.overviewBytes),
      ...options.viewers.map(v => ms(r.cells[`overview/${v}`].p95)),
    ]),
  );
  console.log(`\nTotal ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

main().then(
  () => process.exit(0),
  error => {
    // Database errors carry their whole statement: keep the message short.
    console.error(String(error?.stack ?? error).slice(0, 2000));
    process.exit(1);
  },
);
