/*
 * Counts and times calls of chosen methods of an object, without changing
 * what they do: the bench wraps the Argo CD client and the stores handed to
 * the real SnapshotRefresher to show where a look spends its time.
 */

export type Tally = Map<string, { calls: number; ms: number }>;

/**
 * A proxy of `target` whose methods named in `labels` add their call count
 * and duration (until the promise settles) to `tally` under the label.
 * Methods run with the real object as `this`, so private fields still work.
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
        try {
          return await value.apply(obj, args);
        } finally {
          const entry = tally.get(label) ?? { calls: 0, ms: 0 };
          entry.calls++;
          entry.ms += performance.now() - started;
          tally.set(label, entry);
        }
      };
    },
  });
}
