/*
 * Parent side of the Argo CD fleet: argocdFleetProcess.ts in its own process.
 * One fleet per application count; stop() ends the process.
 */
import { Child, startChild } from './child';

/** Environments in promotion order; instance k serves environment k. */
export const ENVIRONMENTS = ['dev', 'staging', 'production'] as const;
export const BENCH_TOKEN = 'bench-token';
/**
 * The emulator reconciles every app on each poll; 10 s keeps two cores free
 * for Shipdeck while still reconciling between looks (Argo CD: ~3 min).
 */
export const EMULATOR_POLL_MS = 10_000;

export interface FleetReady {
  instances: Array<{ name: string; url: string }>;
  readyMs: number;
}

export interface ArgoCdFleet {
  instances: Array<{ name: string; url: string; token: string }>;
  /** Seeding the repositories plus the emulators' first reconcile. */
  readyMs: number;
  /** /api/v1 requests each emulator received since it was ready. */
  requestCounts(): Promise<Record<string, number>>;
  /** A full reconcile of every instance, as happens between two looks. */
  reconcile(): Promise<void>;
  /** The emulators' process, for its memory. */
  process: Pick<Child<FleetReady>, 'ask'>;
  stop(): Promise<void>;
}

/** Starts three emulators holding `services` apps each and waits until all are Healthy. */
export async function startArgoCdFleet(services: number): Promise<ArgoCdFleet> {
  const child = await startChild<FleetReady>(
    require.resolve('./argocdFleetProcess.ts'),
    [String(services)],
  );
  return {
    instances: child.ready.instances.map(i => ({ ...i, token: BENCH_TOKEN })),
    readyMs: child.ready.readyMs,
    requestCounts: () => child.ask('counts'),
    reconcile: () => child.ask('reconcile'),
    process: child,
    stop: child.stop,
  };
}
