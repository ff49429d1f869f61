import express from 'express';

/**
 * Faults a test can inject. Set through `POST /emulator/faults` (merged into
 * the current set), `DELETE /emulator/faults` (cleared), or `setFaults()`.
 */
export interface Faults {
  /** Delay before every /api/v1 response, in ms. */
  latencyMs?: number;
  /** Share (0..1) of /api/v1 calls answered with `errorStatus` instead. */
  errorRate?: number;
  /** Status of those random failures (default 503). */
  errorStatus?: number;
  /** Seed of the random failures, for reproducible runs. */
  seed?: number;
  /**
   * The instance is unreachable: `true`/`'reset'` closes every /api/v1
   * connection without an answer (and ends open streams); `'503'` answers
   * 503 as a load balancer in front of a dead Argo CD would.
   */
  down?: boolean | 'reset' | '503';
  /** Hooks that fail (`hook` omitted: every hook of the app). */
  failHook?: FaultTarget | FaultTarget[];
  /** Apps whose workloads end their rollouts Degraded instead of Healthy. */
  degrade?:
    | { app: string; namespace?: string }
    | Array<{ app: string; namespace?: string }>;
}

export interface FaultTarget {
  app: string;
  namespace?: string;
  hook?: string;
}

function asArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** mulberry32: tiny seedable PRNG, so `errorRate` runs can be repeated. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function matchesApp(
  target: { app: string; namespace?: string },
  namespace: string,
  name: string,
): boolean {
  return (
    target.app === name && (!target.namespace || target.namespace === namespace)
  );
}

/** The current fault set and the questions the emulator asks it. */
export class FaultState {
  private faults: Faults = {};
  private random: () => number = Math.random;
  private readonly downListeners = new Set<() => void>();

  get current(): Faults {
    return { ...this.faults };
  }

  /** Merges `faults` into the current set (a key set to null/undefined clears it). */
  set(faults: Faults) {
    const next: Record<string, unknown> = { ...this.faults };
    for (const [key, value] of Object.entries(faults)) {
      if (value === null || value === undefined) delete next[key];
      else next[key] = value;
    }
    this.faults = next as Faults;
    this.random =
      this.faults.seed !== undefined ? prng(this.faults.seed) : Math.random;
    if (this.isDown()) this.downListeners.forEach(l => l());
  }

  clear() {
    this.faults = {};
    this.random = Math.random;
  }

  isDown(): boolean {
    return !!this.faults.down;
  }

  /** Called when the instance goes down (streams close then). */
  onDown(listener: () => void): () => void {
    this.downListeners.add(listener);
    return () => this.downListeners.delete(listener);
  }

  hookFails(namespace: string, app: string, hook: string): boolean {
    return asArray(this.faults.failHook).some(
      t => matchesApp(t, namespace, app) && (!t.hook || t.hook === hook),
    );
  }

  degrades(namespace: string, app: string): boolean {
    return asArray(this.faults.degrade).some(t =>
      matchesApp(t, namespace, app),
    );
  }

  /** Express middleware for /api/v1: down, latency and random errors. */
  middleware(): express.RequestHandler {
    return (req, res, next) => {
      const faults = this.faults;
      if (faults.down) {
        if (faults.down === '503') {
          res
            .status(503)
            .type('text/plain')
            .send('upstream connect error or disconnect/reset before headers');
        } else {
          req.socket.destroy();
        }
        return;
      }
      const proceed = () => {
        const rate = faults.errorRate ?? 0;
        if (rate > 0 && this.random() < rate) {
          const status = faults.errorStatus ?? 503;
          const message = 'emulated failure (errorRate fault)';
          res
            .status(status)
            .json({ code: 14, message, error: message, details: [] });
          return;
        }
        next();
      };
      if (faults.latencyMs && faults.latencyMs > 0) {
        setTimeout(proceed, faults.latencyMs);
      } else {
        proceed();
      }
    };
  }
}
