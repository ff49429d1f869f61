/*
 * Counts and times calls of chosen methods of an object, without changing
 * what they do: the bench wraps the Argo CD client and the stores handed to
 * the real services to show where their time goes.
 */

export class Tally {
  /** Calls and summed duration per label (parallel calls each count fully). */
  readonly byLabel = new Map<string, { calls: number; ms: number }>();
  /** Wall time during which at least one tallied call was in flight. */
  busyMs = 0;
  #pending = 0;
  #busySince = 0;

  clear() {
    this.byLabel.clear();
    this.busyMs = 0;
  }

  started() {
    if (this.#pending++ === 0) this.#busySince = performance.now();
  }

  ended(label: string, ms: number) {
    const entry = this.byLabel.get(label) ?? { calls: 0, ms: 0 };
    entry.calls++;
    entry.ms += ms;
    this.byLabel.set(label, entry);
    if (--this.#pending === 0) {
      this.busyMs += performance.now() - this.#busySince;
    }
  }

  calls(label: string) {
    return this.byLabel.get(label)?.calls ?? 0;
  }
}

/**
 * A proxy of `target` whose methods named in `labels` report to `tally`
 * (duration until the promise settles). Methods run with the real object as
 * `this`, so private fields still work.
 */
export function instrument<T extends object>(
  target: T,
  labels: Partial<Record<keyof T, string>>,
  tally: Tally,
): T {
  return new Proxy(target, {
    get(obj, prop) {
      const value = Reflect.get(obj, prop, obj);
      if (typeof value !== 'function') return value;
      const label = labels[prop as keyof T];
      if (!label) return value.bind(obj);
      return async (...args: unknown[]) => {
        const started = performance.now();
        tally.started();
        try {
          return await value.apply(obj, args);
        } finally {
          tally.ended(label, performance.now() - started);
        }
      };
    },
  });
}
