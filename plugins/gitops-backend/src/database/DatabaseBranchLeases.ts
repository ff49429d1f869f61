import { createHash, randomUUID } from 'node:crypto';
import { ConflictError } from '@backstage/errors';
import { Knex } from 'knex';
import { BranchLeases } from './BranchLeases';

const TABLE = 'gitops_branch_leases';

/** The row's key: readable, and within the column for any branch name. */
const rowKey = (key: string) =>
  key.length <= 255
    ? key
    : `${key.slice(0, 190)}…${createHash('sha256').update(key).digest('hex')}`;

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

export interface BranchLeaseTimings {
  /** How long a lease lasts unless renewed: a dead holder frees it then. */
  ttlMs: number;
  /** How long a writer waits for a busy branch before answering 409. */
  waitMs: number;
  /** How often a waiting writer asks again (jittered). */
  pollMs: number;
}

const DEFAULT_TIMINGS: BranchLeaseTimings = {
  ttlMs: 30_000,
  waitMs: 120_000,
  pollMs: 50,
};

/**
 * {@link BranchLeases} as rows of the plugin's database (SQLite or
 * PostgreSQL): taking a lease is an insert of the branch's row, or an update
 * of a row whose lease lapsed; only one writer's statement can win either.
 */
export class DatabaseBranchLeases implements BranchLeases {
  private readonly timings: BranchLeaseTimings;

  constructor(
    private readonly knex: Knex,
    timings: Partial<BranchLeaseTimings> = {},
  ) {
    this.timings = { ...DEFAULT_TIMINGS, ...timings };
  }

  async acquire(branch: string): Promise<() => Promise<void>> {
    const key = rowKey(branch);
    const holder = randomUUID();
    const { ttlMs, waitMs, pollMs } = this.timings;
    const giveUpAt = Date.now() + waitMs;
    while (!(await this.#tryTake(key, holder))) {
      if (Date.now() >= giveUpAt) {
        throw new ConflictError(
          `${branch} is being written by another replica for over ${Math.round(
            waitMs / 1000,
          )} s; nothing was written, try again`,
        );
      }
      await sleep(pollMs * (0.5 + Math.random()));
    }
    // Renewed well before it lapses, so a long write (a slow Git host) keeps it.
    const renewal = setInterval(() => {
      this.knex(TABLE)
        .where({ branch_key: key, holder })
        .update({ expires_at_ms: Date.now() + ttlMs })
        .catch(() => {
          // A missed renewal only shortens the lease; the next one retries.
        });
    }, ttlMs / 3);
    renewal.unref?.();
    return async () => {
      clearInterval(renewal);
      await this.knex(TABLE)
        .where({ branch_key: key, holder })
        .delete()
        .catch(() => {
          // The write is done either way; an undeleted lease lapses at ttl.
        });
    };
  }

  async #tryTake(key: string, holder: string): Promise<boolean> {
    const now = Date.now();
    const expires = now + this.timings.ttlMs;
    await this.knex(TABLE)
      .insert({ branch_key: key, holder, expires_at_ms: expires })
      .onConflict('branch_key')
      .ignore();
    // A lease whose holder died (or stopped renewing) is taken over.
    await this.knex(TABLE)
      .where({ branch_key: key })
      .andWhere('expires_at_ms', '<', now)
      .update({ holder, expires_at_ms: expires });
    const row = await this.knex(TABLE)
      .where({ branch_key: key })
      .first('holder');
    return row?.holder === holder;
  }
}
