/*
 * Concurrent page viewers: `viewers` loops, each GETting the URL back to
 * back until the time is up. They run in a worker thread so that reading
 * large answers does not queue on the event loop that serves them: the
 * latencies are the server's, not the client's.
 */
import {
  isMainThread,
  parentPort,
  Worker,
  workerData,
} from 'node:worker_threads';

export interface ViewerLoad {
  url: string;
  viewers: number;
  /**
   * No request starts after this, so a phase lasts at most this plus one
   * round of in-flight answers.
   */
  durationMs: number;
}

export interface ViewerResult {
  latenciesMs: number[];
  /** Status code → count; anything but 200 fails the bench. */
  statuses: Record<number, number>;
  /** Body size of the last answer. */
  bytes: number;
  elapsedMs: number;
}

/** Runs the load in a worker thread and resolves with what it measured. */
export function runViewers(load: ViewerLoad): Promise<ViewerResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(__filename, { workerData: load });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', code => {
      if (code !== 0) reject(new Error(`viewer worker exited with ${code}`));
    });
  });
}

async function load({ url, viewers, durationMs }: ViewerLoad) {
  const result: ViewerResult = {
    latenciesMs: [],
    statuses: {},
    bytes: 0,
    elapsedMs: 0,
  };
  // Each viewer first opens its connection with one unmeasured request: a
  // burst of new connections to a busy event loop is accepted slowly (seconds
  // at 50), which would measure connection set-up rather than the route.
  await Promise.all(
    Array.from({ length: viewers }, () =>
      fetch(url).then(res => res.arrayBuffer()),
    ),
  );
  const started = performance.now();
  const deadline = started + durationMs;
  const viewer = async () => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      const res = await fetch(url);
      const body = await res.arrayBuffer();
      result.latenciesMs.push(performance.now() - t0);
      result.statuses[res.status] = (result.statuses[res.status] ?? 0) + 1;
      result.bytes = body.byteLength;
    }
  };
  await Promise.all(Array.from({ length: viewers }, viewer));
  result.elapsedMs = performance.now() - started;
  return result;
}

if (!isMainThread && workerData?.url) {
  load(workerData as ViewerLoad).then(r => parentPort!.postMessage(r));
}
