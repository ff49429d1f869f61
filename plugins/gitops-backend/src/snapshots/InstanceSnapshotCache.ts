import {
  AppKey,
  appKeyString,
  AppSnapshot,
  InstanceStatus,
  SnapshotStore,
} from '../database/SnapshotStore';

/**
 * Parsed snapshots of whole Argo CD instances, kept until the instance's
 * next look. The overview reads every Application of the fleet on each
 * view; parsing their stored JSON was most of its time (about 45 of 63 ms
 * at 2,000 Applications). Every look, successful or not, stamps the
 * instance's `lastAttemptAt` after it wrote its snapshot, in whichever
 * replica it ran, so a stamp that moved means reading the instance again
 * and nothing older than the last look is served.
 */
export class InstanceSnapshotCache {
  readonly #instances = new Map<
    string,
    { stamp: string; apps: Promise<Map<string, AppSnapshot>> }
  >();

  constructor(private readonly store: SnapshotStore) {}

  /**
   * The snapshots of `keys` that exist, as {@link SnapshotStore.getMany};
   * `statuses` are the instances' statuses read for this same answer.
   */
  async getMany(
    keys: AppKey[],
    statuses: Map<string, InstanceStatus>,
  ): Promise<AppSnapshot[]> {
    const byInstance = new Map<string, AppKey[]>();
    for (const key of keys) {
      const wanted = byInstance.get(key.instance) ?? [];
      wanted.push(key);
      byInstance.set(key.instance, wanted);
    }
    const found = await Promise.all(
      [...byInstance].map(async ([instance, wanted]) => {
        const stamp = statuses.get(instance)?.lastAttemptAt;
        // Never looked at: whatever is stored is read as it is.
        if (!stamp) return this.store.getMany(wanted);
        const apps = await this.#apps(instance, stamp);
        return wanted.flatMap(key => {
          const snapshot = apps.get(appKeyString(key));
          return snapshot ? [snapshot] : [];
        });
      }),
    );
    return found.flat();
  }

  #apps(instance: string, stamp: string) {
    const cached = this.#instances.get(instance);
    if (cached?.stamp === stamp) return cached.apps;
    const apps = this.store
      .listInstance(instance)
      .then(list => new Map(list.map(s => [appKeyString(s), s])));
    this.#instances.set(instance, { stamp, apps });
    // A failed read is not kept: the next view reads again.
    apps.catch(() => {
      if (this.#instances.get(instance)?.apps === apps) {
        this.#instances.delete(instance);
      }
    });
    return apps;
  }
}
