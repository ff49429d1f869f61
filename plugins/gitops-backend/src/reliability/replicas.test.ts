import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mockCredentials } from '@backstage/backend-test-utils';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import knexFactory, { Knex } from 'knex';
import request from 'supertest';
import {
  argoApp,
  startArgoCdStandIn,
} from '../argocd/__testUtils__/argoCdStandIn';
import { startExampleBackend } from '../__testUtils__/exampleBackend';

jest.setTimeout(120_000);

const user = mockCredentials.user.header('user:default/guest');
/** The PostgreSQL `./shipdeck test` finds, else the usual local one. */
const POSTGRES_URL =
  Object.entries(process.env).find(([key]) =>
    /^BACKSTAGE_TEST_DATABASE_POSTGRES\d+_CONNECTION_STRING$/.test(key),
  )?.[1] ??
  process.env.SHIPDECK_TEST_POSTGRES_URL ??
  'postgresql://postgres@127.0.0.1:5432/postgres';
/** The snapshot task's interval in this test. */
const FREQUENCY_MS = 2000;

/** A new, empty database on the server, or undefined when none answers. */
async function createDatabase(): Promise<
  { connection: Knex.PgConnectionConfig; drop: () => Promise<void> } | undefined
> {
  const admin = knexFactory({
    client: 'pg',
    connection: POSTGRES_URL,
    pool: { min: 0, max: 1 },
    acquireConnectionTimeout: 3000,
  });
  const name = `shipdeck_replicas_${randomBytes(4).toString('hex')}`;
  try {
    await admin.raw(`CREATE DATABASE ${name}`);
  } catch {
    await admin.destroy();
    return undefined;
  }
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    connection: { connectionString: url.toString() },
    drop: async () => {
      await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.destroy();
    },
  };
}

/**
 * Two replicas of the backend, each with its own connection pool and
 * Backstage's real scheduler, on one PostgreSQL database and one manifest
 * repository, as a scaled-out deployment runs.
 */
describe('two backend replicas on one PostgreSQL', () => {
  it('run the snapshot task once per interval in total, serve the same data, and lose no concurrent deployment', async () => {
    const database = await createDatabase();
    if (!database) {
      // eslint-disable-next-line no-console
      console.warn(
        `SKIPPED: two replicas on PostgreSQL: no PostgreSQL answered at ${
          new URL(POSTGRES_URL).host
        } (set SHIPDECK_TEST_POSTGRES_URL or start one at 127.0.0.1:5432)`,
      );
      return;
    }
    const argo = await startArgoCdStandIn({
      token: 'argo-replicas-token',
      applications: ['cart', 'orders', 'payments'].flatMap(service =>
        ['dev', 'staging', 'production'].map(env =>
          argoApp(`${service}-${env}`),
        ),
      ),
    });
    const repoDir = join(
      mkdtempSync(join(tmpdir(), 'shipdeck-replicas-')),
      'manifests.git',
    );
    const pools: Knex[] = [];
    const replica = async () => {
      const knex = knexFactory({
        client: 'pg',
        connection: database.connection,
        pool: { min: 0, max: 5 },
      });
      pools.push(knex);
      return startExampleBackend({
        knex,
        repoDir,
        features: [schedulerServiceFactory],
        gitops: config => ({
          ...config,
          argocd: {
            instances: [
              { name: 'local', url: argo.url, token: 'argo-replicas-token' },
            ],
          },
          schedule: {
            frequency: { milliseconds: FREQUENCY_MS },
            timeout: { seconds: 30 },
          },
        }),
      });
    };
    const backends: Array<Awaited<ReturnType<typeof replica>>> = [];
    try {
      // One after the other: the first creates the tables and the repository.
      backends.push(await replica());
      backends.push(await replica());
      const [a, b] = backends;

      // Snapshot looks: each one lists the instance's Applications once.
      const lists = () =>
        argo.requests
          .filter(r => r.method === 'GET' && r.path === '/api/v1/applications')
          .map(r => r.at);
      // From one interval after both started, when both schedulers poll.
      await new Promise(r => setTimeout(r, FREQUENCY_MS));
      const from = lists().length;
      const started = Date.now();
      await new Promise(r => setTimeout(r, 5 * FREQUENCY_MS + 500));
      const runs = lists().slice(from);
      const elapsed = Date.now() - started;
      // Both replicas poll every interval; the lock in the shared database
      // lets one of them run each due look. Two independent schedulers
      // would look about twice as often. (Backstage's scheduler catches up
      // a late run, so two looks may come close together; the count is
      // what holds.)
      const gaps = runs.slice(1).map((at, i) => at - runs[i]);
      // eslint-disable-next-line no-console
      console.log(
        `replicas: ${
          runs.length
        } snapshot looks in ${elapsed} ms at a ${FREQUENCY_MS} ms interval; gaps ${gaps.join(
          ', ',
        )} ms`,
      );
      expect(runs.length).toBeGreaterThanOrEqual(3);
      expect(runs.length).toBeLessThanOrEqual(
        Math.floor(elapsed / FREQUENCY_MS) + 2,
      );

      // The same answers from either replica (asked again when a look
      // landed between the two reads and moved observedAt).
      for (const path of [
        '/api/gitops/entities/default/component/cart/environments',
        '/api/gitops/overview',
      ]) {
        const answers = () =>
          Promise.all(
            [a, b].map(async r =>
              JSON.stringify(
                (
                  await request(r.server)
                    .get(path)
                    .set('Authorization', user)
                    .expect(200)
                ).body,
              ),
            ),
          );
        // The overview's own observedAt is when it was answered.
        const both = async () =>
          (await answers()).map(text => {
            const { observedAt: _answeredAt, ...body } = JSON.parse(text);
            return JSON.stringify(body);
          });
        let [fromA, fromB] = await both();
        for (let i = 0; i < 5 && fromA !== fromB; i++) {
          [fromA, fromB] = await both();
        }
        expect(JSON.parse(fromB)).toEqual(JSON.parse(fromA));
      }

      // Concurrent deployments through both replicas to one branch.
      const deployments = ['cart', 'orders', 'payments'].flatMap((service, s) =>
        ['dev', 'staging'].map((environment, e) => ({
          service,
          environment,
          version: `7.${s}.${e}`,
        })),
      );
      const answers = await Promise.all(
        deployments.map((d, i) =>
          request((i % 2 ? b : a).server)
            .post(
              `/api/gitops/entities/default/component/${d.service}/deployments`,
            )
            .set('Authorization', user)
            .send({ environment: d.environment, version: d.version }),
        ),
      );
      expect(answers.map(r => r.status)).toEqual(deployments.map(() => 202));
      // The replicas took turns on the branch's lease, and let it go.
      expect(await pools[0]('gitops_branch_leases').select()).toEqual([]);
      const { git } = a;
      for (const d of deployments) {
        expect(
          git(
            'show',
            `main:${d.service}/overlays/${d.environment}/kustomization.yaml`,
          ),
        ).toContain(`newTag: "${d.version}"`);
      }
      expect(
        Number(git('rev-list', '--count', 'main')) -
          Number(git('rev-list', '--count', 'main~6')),
      ).toBe(6);
      const ids = answers.map(r => r.body.deployments[0].id);
      for (const id of ids) {
        const [fromA, fromB] = await Promise.all(
          [a, b].map(r =>
            request(r.server)
              .get(`/api/gitops/deployments/${id}`)
              .set('Authorization', user)
              .expect(200),
          ),
        );
        expect(fromB.body.id).toBe(id);
        expect(fromA.body.id).toBe(id);
      }
    } finally {
      await Promise.all(backends.map(r => r.stop()));
      await argo.close();
      await Promise.all(pools.map(p => p.destroy()));
      await database.drop();
    }
  });
});
