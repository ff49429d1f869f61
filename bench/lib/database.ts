/*
 * The plugin's database for a bench run: SQLite in a temporary folder, as
 * Backstage's database service would hand it to the plugin.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseService } from '@backstage/backend-plugin-api';
import knexFactory from 'knex';

export async function benchDatabase(): Promise<{
  database: DatabaseService;
  close(): Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'shipdeck-bench-db-'));
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: join(dir, 'gitops.sqlite') },
    useNullAsDefault: true,
  });
  return {
    database: { getClient: async () => knex },
    async close() {
      await knex.destroy();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
