/**
 * Exclusive leases on manifest branches shared by every replica of the
 * backend, so writers to one branch in different processes take turns.
 */
export interface BranchLeases {
  /**
   * Waits until this writer holds `key`, then returns the function that
   * releases it. The lease is renewed while held, and lapses on its own when
   * its holder dies. Throws a ConflictError when it is not free within the
   * wait limit.
   */
  acquire(key: string): Promise<() => Promise<void>>;
}
