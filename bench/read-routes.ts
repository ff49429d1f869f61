/*
 * Heavy reads (not a test), on SQLite, through Shipdeck's REST API:
 *   - an entity's timeline when one service has 10,000 events (Shipdeck
 *     deployment records and Argo CD events over its three environments):
 *     the first page, and every page one after the other;
 *   - GET /metrics without an entity (every service the caller may see) over
 *     2,000 targets with a year of deployments and Argo CD health events.
 * Latency of `--requests` sequential requests each, and the answer's size.
 *
 * Run: eval "$(./shipdeck env)" && yarn bench:read-routes [--events 10000]
 *        [--targets 2000] [--days 365] [--perTarget 52] [--requests 20]
 */
import { randomUUID } from 'node:crypto';
import { DeploymentRecord } from '@shipdeck/plugin-gitops-common';
import { AppEvent } from '../plugins/gitops-backend/src/snapshots/timelineEvents';
import { ENVIRONMENTS } from './lib/argocdFleet';
import { BenchShipdeck, startBenchShipdeck } from './lib/benchShipdeck';
import { serviceName } from './lib/manifests';
import { flags, kB, latencies, machine, ms, table } from './lib/report';

const options = flags({
  events: 10_000,
  targets: 2_000,
  days: 365,
  /** Deployments of each target over `days` (52: one a week). */
  perTarget: 52,
  requests: 20,
});
const DAY = 86_400_000;
/** SQLite allows 500 terms in a compound SELECT: 3 steps per record. */
const RECORDS_PER_INSERT = 150;
const EVENTS_PER_INSERT = 400;

type NewRecord = Omit<DeploymentRecord, 'commitUrl'>;

function record(
  service: string,
  environment: string,
  at: number,
  n: number,
): NewRecord {
  const failed = n % 17 === 0;
  return {
    id: randomUUID(),
    entityRef: `component:default/${service}`,
    environment,
    action: n % 11 === 0 ? 'rollback' : 'deploy',
    actor: 'user:default/bench',
    fromVersion: `1.${n - 1}.0`,
    toVersion: `1.${n}.0`,
    status: failed ? 'degraded' : 'healthy',
    commitSha: randomUUID().replace(/-/g, '').padEnd(40, '0').slice(0, 40),
    argocd: { instance: environment, name: `${service}-${environment}` },
    createdAt: new Date(at).toISOString(),
    steps: [
      { name: 'requested', at: new Date(at).toISOString() },
      { name: 'committed', at: new Date(at + 5_000).toISOString() },
      {
        name: failed ? 'degraded' : 'healthy',
        at: new Date(at + 120_000).toISOString(),
      },
    ] as DeploymentRecord['steps'],
  };
}

/** What Argo CD said around a deployment: sync, operation, health. */
function eventsAround(
  service: string,
  environment: string,
  at: number,
  revision: string,
  degraded: boolean,
): AppEvent[] {
  const base = {
    instance: environment,
    namespace: 'argocd',
    app: `${service}-${environment}`,
    revision,
  };
  const event = (
    offset: number,
    type: AppEvent['type'],
    summary: string,
    state?: AppEvent['state'],
  ): AppEvent => ({
    ...base,
    type,
    at: new Date(at + offset).toISOString(),
    summary,
    state,
    dedupeKey: `${base.app}:${type}:${at + offset}`,
  });
  return [
    event(10_000, 'sync-status', 'OutOfSync', {
      from: 'Synced',
      to: 'OutOfSync',
    }),
    event(20_000, 'operation-started', 'Sync started', { to: 'Running' }),
    event(60_000, 'operation', 'Sync succeeded', { to: 'Succeeded' }),
    event(
      120_000,
      'health',
      degraded
        ? 'Health Progressing → Degraded'
        : 'Health Progressing → Healthy',
      { from: 'Progressing', to: degraded ? 'Degraded' : 'Healthy' },
    ),
  ];
}

/**
 * `perTarget` deployments of each target, evenly over the last `days`, each
 * with its four Argo CD events; inserted in batches.
 */
async function seed(
  shipdeck: BenchShipdeck,
  services: number,
  perTarget: number,
  days: number,
) {
  const now = Date.now();
  const step = (days * DAY) / perTarget;
  let records: NewRecord[] = [];
  let events: AppEvent[] = [];
  const flush = async (force = false) => {
    if (records.length >= RECORDS_PER_INSERT || (force && records.length)) {
      await shipdeck.stores.deployments.insertMany(records);
      records = [];
    }
    if (events.length >= EVENTS_PER_INSERT || (force && events.length)) {
      for (let i = 0; i < events.length; i += EVENTS_PER_INSERT) {
        await shipdeck.stores.snapshots.appendEvents(
          events.slice(i, i + EVENTS_PER_INSERT),
        );
      }
      events = [];
    }
  };
  for (let s = 0; s < services; s++) {
    const service = serviceName(s);
    for (const environment of ENVIRONMENTS) {
      for (let n = 1; n <= perTarget; n++) {
        const at = now - days * DAY + n * step - Math.random() * step * 0.5;
        const r = record(service, environment, at, n);
        records.push(r);
        events.push(
          ...eventsAround(
            service,
            environment,
            at,
            r.commitSha!,
            r.status === 'degraded',
          ),
        );
        await flush();
      }
    }
  }
  await flush(true);
}

async function timed(url: string, requests: number) {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < requests; i++) {
    const started = performance.now();
    const res = await fetch(url);
    const text = await res.text();
    times.push(performance.now() - started);
    if (res.status !== 200) throw new Error(`${url}: ${res.status} ${text}`);
    bytes = Buffer.byteLength(text);
  }
  return { ...latencies(times), bytes };
}

async function timeline() {
  // Each deployment brings four Argo CD events: five timeline entries.
  const perTarget = Math.ceil(options.events / 5 / ENVIRONMENTS.length);
  const shipdeck = await startBenchShipdeck({ services: 1 });
  try {
    const seeding = performance.now();
    await seed(shipdeck, 1, perTarget, options.days);
    const entries = perTarget * ENVIRONMENTS.length * 5;
    console.log(
      `\nTimeline of one service: ${entries} entries (${
        perTarget * ENVIRONMENTS.length
      } deployments + ${
        perTarget * ENVIRONMENTS.length * 4
      } Argo CD events) over ${options.days} days; seeded in ${(
        (performance.now() - seeding) /
        1000
      ).toFixed(1)} s`,
    );
    const base = `${shipdeck.url}/entities/default/component/${serviceName(0)}`;
    const rows: Array<Array<string | number>> = [];
    for (const [label, url] of [
      ['timeline, first page (default size)', `${base}/timeline`],
      ['timeline, first page of 200', `${base}/timeline?limit=200`],
      ['changes, first page (default size)', `${base}/changes`],
    ] as const) {
      const r = await timed(url, options.requests);
      rows.push([label, r.count, ms(r.p50), ms(r.p95), ms(r.max), kB(r.bytes)]);
    }
    // Every page, older and older, as a reader scrolling to the start would.
    const started = performance.now();
    let pages = 0;
    let events = 0;
    let before: string | undefined;
    do {
      const res = await fetch(
        `${base}/timeline?limit=200${
          before ? `&before=${encodeURIComponent(before)}` : ''
        }`,
      );
      const body = (await res.json()) as {
        events: unknown[];
        nextBefore?: string;
      };
      pages++;
      events += body.events.length;
      before = body.nextBefore;
    } while (before && pages < 1000);
    const allMs = performance.now() - started;
    rows.push([
      `every page of 200 (${pages} pages, ${events} entries)`,
      1,
      ms(allMs / pages),
      '-',
      ms(allMs),
      '-',
    ]);
    table(['route', 'requests', 'p50 ms', 'p95 ms', 'max ms', 'kB'], rows);
  } finally {
    await shipdeck.close();
  }
}

async function metrics() {
  const services = Math.round(options.targets / ENVIRONMENTS.length);
  const { perTarget } = options;
  const shipdeck = await startBenchShipdeck({ services });
  try {
    const seeding = performance.now();
    await seed(shipdeck, services, perTarget, options.days);
    console.log(
      `\nMetrics over ${
        services * ENVIRONMENTS.length
      } targets (${services} services × ${
        ENVIRONMENTS.length
      } environments), ${perTarget} deployments per target over ${
        options.days
      } days: ${services * ENVIRONMENTS.length * perTarget} records, ${
        services * ENVIRONMENTS.length * perTarget * 4
      } Argo CD events; seeded in ${(
        (performance.now() - seeding) /
        1000
      ).toFixed(1)} s`,
    );
    const rows: Array<Array<string | number>> = [];
    for (const days of [...new Set([30, options.days])]) {
      const r = await timed(
        `${shipdeck.url}/metrics?days=${days}`,
        options.requests,
      );
      rows.push([
        `GET /metrics?days=${days} (no entity)`,
        r.count,
        ms(r.p50),
        ms(r.p95),
        ms(r.max),
        kB(r.bytes),
      ]);
    }
    const one = await timed(
      `${shipdeck.url}/metrics?days=${options.days}&entity=${serviceName(0)}`,
      options.requests,
    );
    rows.push([
      `GET /metrics?days=${options.days}&entity=${serviceName(0)}`,
      one.count,
      ms(one.p50),
      ms(one.p95),
      ms(one.max),
      kB(one.bytes),
    ]);
    table(['route', 'requests', 'p50 ms', 'p95 ms', 'max ms', 'kB'], rows);
  } finally {
    await shipdeck.close();
  }
}

async function main() {
  console.log(`Heavy reads on SQLite — ${machine()}`);
  console.log(
    `${options.requests} sequential requests per route, after seeding.`,
  );
  await timeline();
  await metrics();
}

main().then(
  () => process.exit(0),
  error => {
    // Database errors carry their whole statement: keep the message short.
    console.error(String(error?.stack ?? error).slice(0, 2000));
    process.exit(1);
  },
);
