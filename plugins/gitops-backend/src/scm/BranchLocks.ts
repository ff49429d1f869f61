import { BranchLeases } from '../database/BranchLeases';

/**
 * Serialises writers per key (repository + branch): inside one process on a
 * queue, and across replicas on a lease in the shared database when one is
 * given, so concurrent requests take turns instead of racing to the
 * compare-and-swap. The CAS still protects against any other writer.
 */
export class BranchLocks {
  readonly #tails = new Map<string, Promise<void>>();

  constructor(private readonly shared?: BranchLeases) {}

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const current = new Promise<void>(resolve => {
      release = resolve;
    });
    const tail = previous.then(() => current);
    this.#tails.set(key, tail);
    await previous;
    try {
      // One waiter per process asks the database; the others queue here.
      const releaseLease = await this.shared?.acquire(key);
      try {
        return await fn();
      } finally {
        await releaseLease?.();
      }
    } finally {
      release();
      if (this.#tails.get(key) === tail) {
        this.#tails.delete(key);
      }
    }
  }
}
