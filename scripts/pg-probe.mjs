// Exit 0 and print the server's major version when PostgreSQL answers at the
// given URL; exit 1 otherwise. Used by `./shipdeck test` to decide whether the
// database tests also run on PostgreSQL.
import pg from 'pg';

const client = new pg.Client({
  connectionString: process.argv[2],
  connectionTimeoutMillis: 3000,
});
try {
  await client.connect();
  const { rows } = await client.query('SHOW server_version_num');
  process.stdout.write(
    `${Math.floor(Number(rows[0].server_version_num) / 10000)}\n`,
  );
  await client.end();
  process.exit(0);
} catch {
  process.exit(1);
}
