import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';

/**
 * SQLite always; PostgreSQL of whichever major version `./shipdeck test`
 * found reachable (it sets BACKSTAGE_TEST_DATABASE_POSTGRES<N>_CONNECTION_STRING).
 * TestDatabases keeps only the ids whose server is available.
 */
export function createTestDatabases() {
  const ids: TestDatabaseId[] = [
    'SQLITE_3',
    'POSTGRES_18',
    'POSTGRES_17',
    'POSTGRES_16',
    'POSTGRES_15',
    'POSTGRES_14',
    'POSTGRES_13',
  ];
  return TestDatabases.create({ ids, disableDocker: true });
}
