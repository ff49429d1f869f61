import { createHash } from 'node:crypto';
import { Knex } from 'knex';

/** Every branch and tag of a repository with the commit it points at. */
export function refsOf(git: (...args: string[]) => string): string {
  return git('for-each-ref', '--format=%(refname) %(objectname)');
}

/** The user tables of a database (SQLite or PostgreSQL), sorted. */
async function tablesOf(knex: Knex): Promise<string[]> {
  const client = String(knex.client.config.client);
  if (client.includes('sqlite')) {
    const rows = await knex('sqlite_master')
      .where({ type: 'table' })
      .andWhereNot('name', 'like', 'sqlite_%')
      .select('name');
    return rows.map(r => r.name).sort();
  }
  const rows = await knex('information_schema.tables')
    .where({
      table_schema: knex.raw('current_schema()'),
      table_type: 'BASE TABLE',
    })
    .select('table_name');
  return rows.map(r => r.table_name).sort();
}

/**
 * Each table's row count and a hash of its rows (sorted, so the order a
 * database returns them in does not matter): equal fingerprints mean
 * nothing was written, deleted or changed.
 */
export async function databaseFingerprint(
  knex: Knex,
): Promise<Record<string, { rows: number; sha256: string }>> {
  const fingerprint: Record<string, { rows: number; sha256: string }> = {};
  for (const table of await tablesOf(knex)) {
    const rows = (await knex(table).select('*')).map(row =>
      JSON.stringify(row),
    );
    rows.sort();
    fingerprint[table] = {
      rows: rows.length,
      sha256: createHash('sha256').update(rows.join('\n')).digest('hex'),
    };
  }
  return fingerprint;
}
