/*
 * Concurrent page viewers: `viewers` loops, each viewing pages back to back
 * until the time is up. They run in a worker thread so that reading
 * large answers does not queue on the event loop that serves them: the
 * latencies are the server's, not the client's.
 */
import {
  isMainThread,
  parentPort,
  Worker,
  workerData,
} from 'node:worker_threads';

/**
 * One page view: stages run one after the other, the requests of a stage
 * in parallel (a page that first finds where an app is, then reads it from
 * each instance, is two stages).
 */
export type PageView = string[][];

export interface ViewerLoad {
  /** Viewer v's n-th view is views[(v + n × viewers) mod views.length]. */
  views: PageView[];
  viewers: number;
  /**
   * No view starts after this, so a phase lasts at most this plus one
   * round of in-flight views.
   */
  durationMs: number;
}

export interface ViewerResult {
  /** Whole views, first request sent to last answer read. */
  latenciesMs: number[];
  /** Status code (or network error code) → requests. */
  statuses: Record<string, number>;
  /** Views with a request that failed; not in `latenciesMs`. */
  failedViews: number;
  /** Mean bytes of one view (every answer of it). */
  bytesPerView: number;
  elapsedMs: number;
}

/** Runs the load in a worker thread and resolves with what it measured. */
export function runViewers(load: ViewerLoad): Promise<ViewerResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(__filename, {
      workerData: load,
      execArgv: [
        '--require',
        require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      ],
    });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', code => {
      if (code !== 0) reject(new Error(`viewer worker exited with ${code}`));
    });
  });
}

/**
 * One view: its bytes, or undefined when a request failed (counted in
 * `statuses` by status code, or by the network error's code).
 */
async function view(
  pageView: PageView,
  statuses: Record<string, number>,
): Promise<number | undefined> {
  let bytes = 0;
  let failed = false;
  for (const stage of pageView) {
    await Promise.all(
      stage.map(async url => {
        try {
          const res = await fetch(url);
          bytes += (await res.arrayBuffer()).byteLength;
          statuses[res.status] = (statuses[res.status] ?? 0) + 1;
          if (res.status !== 200) failed = true;
        } catch (error) {
          const cause = (error as { cause?: { code?: string } }).cause;
          const key = cause?.code ?? String(error);
          statuses[key] = (statuses[key] ?? 0) + 1;
          failed = true;
        }
      }),
    );
  }
  return failed ? undefined : bytes;
}

async function load({ views, viewers, durationMs }: ViewerLoad) {
  const result: ViewerResult = {
    latenciesMs: [],
    statuses: {},
    failedViews: 0,
    bytesPerView: 0,
    elapsedMs: 0,
  };
  // Each viewer first opens its connections with one unmeasured view: a
  // burst of new connections to a busy event loop is accepted slowly (seconds
  // at 50), which would measure connection set-up rather than the route.
  await Promise.all(
    Array.from({ length: viewers }, (_, v) =>
      view(views[v % views.length], {}),
    ),
  );
  let totalBytes = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  const viewer = async (v: number) => {
    for (let n = 0; performance.now() < deadline; n++) {
      const t0 = performance.now();
      // Read first: `totalBytes += await …` would add to a stale total.
      const bytes = await view(
        views[(v + n * viewers) % views.length],
        result.statuses,
      );
      if (bytes === undefined) {
        result.failedViews++;
        continue;
      }
      totalBytes += bytes;
      result.latenciesMs.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: viewers }, (_, v) => viewer(v)));
  result.elapsedMs = performance.now() - started;
  result.bytesPerView = totalBytes / Math.max(1, result.latenciesMs.length);
  return result;
}

if (!isMainThread && workerData?.views) {
  load(workerData as ViewerLoad).then(r => parentPort!.postMessage(r));
}
