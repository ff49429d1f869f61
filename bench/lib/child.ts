/*
 * A bench part in its own process (Argo CD emulators, each backend under
 * test), so that one's CPU and memory are not charged to another, as in
 * production where they are separate servers. The parent asks, the child
 * answers, over Node's IPC channel; every question carries an id.
 */
import { ChildProcess, fork } from 'node:child_process';

type Handlers = Record<string, (payload: any) => Promise<unknown> | unknown>;

interface Question {
  id: number;
  type: string;
  payload?: unknown;
}

type Answer =
  | { id: number; result: unknown }
  | { id: number; error: string }
  | { ready: unknown }
  | { failed: string };

export interface Child<Ready> {
  ready: Ready;
  ask<T = unknown>(type: string, payload?: unknown): Promise<T>;
  /** Asks the child to stop (its `stop` handler), then ends it. */
  stop(): Promise<void>;
}

/** Forks `script` (a .ts file, run through the same transform) and waits for it to be ready. */
export async function startChild<Ready>(
  script: string,
  args: string[] = [],
): Promise<Child<Ready>> {
  const child = fork(script, args, {
    execArgv: [
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
    ],
  });
  const ready = await new Promise<Ready>((resolve, reject) => {
    child.once('exit', code =>
      reject(new Error(`${script} exited with ${code} before ready`)),
    );
    child.on('message', (m: Answer) => {
      if ('ready' in m) resolve(m.ready as Ready);
      if ('failed' in m) reject(new Error(m.failed));
    });
  }).catch(error => {
    child.kill('SIGKILL');
    throw error;
  });
  let nextId = 0;
  return {
    ready,
    ask: <T>(type: string, payload?: unknown) =>
      new Promise<T>((resolve, reject) => {
        const id = ++nextId;
        const onMessage = (m: Answer) => {
          if (!('id' in m) || m.id !== id) return;
          child.off('message', onMessage);
          if ('error' in m) reject(new Error(`${type}: ${m.error}`));
          else resolve(m.result as T);
        };
        child.on('message', onMessage);
        child.send({ id, type, payload } satisfies Question);
      }),
    stop: () => stopChild(child),
  };
}

function stopChild(child: ChildProcess) {
  return new Promise<void>(resolve => {
    if (child.exitCode !== null) {
      resolve();
      return;
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.send({ id: 0, type: 'stop' } satisfies Question);
  });
}

/**
 * The child's side: announces `ready` once `start` resolves, then answers
 * questions with `handlers`. `stop` runs on the parent's request or when the
 * parent goes away, then the process exits. Every child also answers
 * `memory` (its process.memoryUsage()).
 */
export async function serveParent(
  start: () => Promise<{
    ready: unknown;
    handlers: Handlers;
    stop(): Promise<void>;
  }>,
) {
  const send = (m: Answer) => process.send!(m);
  let served: Awaited<ReturnType<typeof start>>;
  try {
    served = await start();
  } catch (error) {
    send({ failed: String((error as Error).stack ?? error) });
    process.exit(1);
  }
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= served.stop().finally(() => process.exit(0)));
  process.on('disconnect', stop);
  process.on('message', async ({ id, type, payload }: Question) => {
    if (type === 'stop') {
      await stop();
      return;
    }
    const handler =
      type === 'memory' ? () => process.memoryUsage() : served.handlers[type];
    try {
      if (!handler) throw new Error(`no handler for ${type}`);
      send({ id, result: await handler(payload) });
    } catch (error) {
      send({ id, error: String((error as Error).stack ?? error) });
    }
  });
  send({ ready: served.ready });
}

/**
 * Peak resident memory and JavaScript heap of a child while `work` runs,
 * sampled every 250 ms.
 */
export async function peakMemory<T>(
  child: Pick<Child<unknown>, 'ask'>,
  work: () => Promise<T>,
): Promise<{ result: T; peakRssBytes: number; heapUsedBytes: number }> {
  let peakRssBytes = 0;
  let heapUsedBytes = 0;
  let done = false;
  const sample = async () => {
    const m = await child.ask<NodeJS.MemoryUsage>('memory');
    peakRssBytes = Math.max(peakRssBytes, m.rss);
    heapUsedBytes = Math.max(heapUsedBytes, m.heapUsed);
  };
  const sampler = (async () => {
    while (!done) {
      await sample();
      await new Promise(r => setTimeout(r, 250));
    }
  })();
  try {
    const result = await work();
    return { result, peakRssBytes, heapUsedBytes };
  } finally {
    done = true;
    await sampler;
  }
}
