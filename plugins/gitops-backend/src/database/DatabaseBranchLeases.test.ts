import { ConflictError } from '@backstage/errors';
import { Knex } from 'knex';
import { BranchLocks } from '../scm/BranchLocks';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { DatabaseBranchLeases } from './DatabaseBranchLeases';
import { DatabaseDeploymentStore } from './DatabaseDeploymentStore';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

describe.each(databases.eachSupportedId())(
  'branch leases on %s',
  databaseId => {
    async function migrated(): Promise<Knex> {
      const knex = await databases.init(databaseId);
      await DatabaseDeploymentStore.create({
        database: { getClient: async () => knex },
      });
      return knex;
    }

    it('lets writers in two replicas take turns on a branch, never both at once, and each gets it', async () => {
      const knex = await migrated();
      // Two replicas: each its own in-process queue and lease client.
      const replicas = [0, 1].map(
        () => new BranchLocks(new DatabaseBranchLeases(knex, { pollMs: 5 })),
      );
      let inside = 0;
      let most = 0;
      const order: number[] = [];
      await Promise.all(
        Array.from({ length: 16 }, (_, i) =>
          replicas[i % 2].run('github.com/shop/deploy#main', async () => {
            inside++;
            most = Math.max(most, inside);
            await sleep(3);
            order.push(i);
            inside--;
          }),
        ),
      );
      expect(most).toBe(1);
      expect(order.sort((a, b) => a - b)).toEqual(
        Array.from({ length: 16 }, (_, i) => i),
      );
      // Released: nothing is left holding the branch.
      const [{ n }] = await knex('gitops_branch_leases').count({ n: '*' });
      expect(Number(n)).toBe(0);
    });

    it('does not hold up writers to another branch', async () => {
      const knex = await migrated();
      const leases = new DatabaseBranchLeases(knex, { waitMs: 200 });
      const releaseMain = await leases.acquire('repo#main');
      const releaseOther = await leases.acquire('repo#release');
      expect(
        (await knex('gitops_branch_leases').select('branch_key'))
          .map(r => r.branch_key)
          .sort(),
      ).toEqual(['repo#main', 'repo#release']);
      await releaseOther();
      await releaseMain();
    });

    it('takes over the lease of a writer that died, once it lapses', async () => {
      const knex = await migrated();
      // A replica died holding the branch: its lease is no longer renewed.
      const lapsesAt = Date.now() + 300;
      await knex('gitops_branch_leases').insert({
        branch_key: 'repo#main',
        holder: 'a-replica-that-died',
        expires_at_ms: lapsesAt,
      });
      const alive = new DatabaseBranchLeases(knex, {
        waitMs: 5_000,
        pollMs: 10,
      });
      const release = await alive.acquire('repo#main');
      expect(Date.now()).toBeGreaterThanOrEqual(lapsesAt);
      await release();
    });

    it('answers 409 when the branch stays busy past the wait limit, and keeps a held lease alive', async () => {
      const knex = await migrated();
      const holder = new DatabaseBranchLeases(knex, { ttlMs: 120 });
      const release = await holder.acquire('repo#main');
      // Longer than the lease: renewal keeps it held.
      const waiter = new DatabaseBranchLeases(knex, {
        waitMs: 400,
        pollMs: 10,
      });
      const error = await waiter.acquire('repo#main').catch(e => e);
      expect(error).toBeInstanceOf(ConflictError);
      expect(error.message).toMatch(
        /repo#main is being written by another replica.*nothing was written/,
      );
      await release();
      const next = await waiter.acquire('repo#main');
      await next();
    });

    it('keeps a key longer than the column apart from its neighbours', async () => {
      const knex = await migrated();
      const leases = new DatabaseBranchLeases(knex, { waitMs: 200 });
      const long = `github.com/shop/deploy#${'x'.repeat(300)}`;
      const releaseA = await leases.acquire(`${long}a`);
      const releaseB = await leases.acquire(`${long}b`);
      const keys = (
        await knex('gitops_branch_leases').select('branch_key')
      ).map(r => r.branch_key as string);
      expect(keys).toHaveLength(2);
      expect(keys.every(key => key.length <= 255)).toBe(true);
      await Promise.all([releaseA(), releaseB()]);
    });
  },
);
