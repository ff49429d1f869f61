/*
 * Parent side of the Argo CD fleet: forks argocdFleetProcess.ts and talks to
 * it over IPC. One fleet per application count; stop() ends the process.
 */
import { ChildProcess, fork } from 'node:child_process';

/** Environments in promotion order; instance k serves environment k. */
export const ENVIRONMENTS = ['dev', 'staging', 'production'] as const;
export const BENCH_TOKEN = 'bench-token';
/**
 * The emulator reconciles every app on each poll; 10 s keeps two cores free
 * for Shipdeck while still reconciling between looks (Argo CD: ~3 min).
 */
export const EMULATOR_POLL_MS = 10_000;

export type FleetRequest =
  | { type: 'counts'; id: number }
  | { type: 'reconcile'; id: number }
  | { type: 'stop' };

export type FleetMessage =
  | {
      type: 'ready';
      instances: Array<{ name: string; url: string }>;
      readyMs: number;
    }
  | { type: 'error'; message: string }
  | { type: 'counts'; id: number; counts: Record<string, number> }
  | { type: 'reconciled'; id: number };

export interface ArgoCdFleet {
  instances: Array<{ name: string; url: string; token: string }>;
  /** Seeding the repositories plus the emulators' first reconcile. */
  readyMs: number;
  /** /api/v1 requests each emulator received since it was ready. */
  requestCounts(): Promise<Record<string, number>>;
  /** A full reconcile of every instance, as happens between two looks. */
  reconcile(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts three emulators holding `services` apps each and waits until all are Healthy. */
export async function startArgoCdFleet(services: number): Promise<ArgoCdFleet> {
  const child = fork(require.resolve('./argocdFleetProcess.ts'), [
    String(services),
  ]);
  const ready = await new Promise<Extract<FleetMessage, { type: 'ready' }>>(
    (resolve, reject) => {
      child.once('exit', code =>
        reject(new Error(`Argo CD fleet exited with ${code} before ready`)),
      );
      child.on('message', (m: FleetMessage) => {
        if (m.type === 'ready') resolve(m);
        if (m.type === 'error') reject(new Error(m.message));
      });
    },
  ).catch(error => {
    child.kill();
    throw error;
  });
  let nextId = 0;
  const ask = <T extends FleetMessage>(type: 'counts' | 'reconcile') =>
    new Promise<T>(resolve => {
      const id = ++nextId;
      const onMessage = (m: FleetMessage) => {
        if ('id' in m && m.id === id) {
          child.off('message', onMessage);
          resolve(m as T);
        }
      };
      child.on('message', onMessage);
      child.send({ type, id } satisfies FleetRequest);
    });

  return {
    instances: ready.instances.map(i => ({ ...i, token: BENCH_TOKEN })),
    readyMs: ready.readyMs,
    requestCounts: async () =>
      (await ask<Extract<FleetMessage, { type: 'counts' }>>('counts')).counts,
    reconcile: async () => {
      await ask('reconcile');
    },
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
    child.send({ type: 'stop' } satisfies FleetRequest);
  });
}
