/**
 * A timestamp column as an ISO 8601 string. PostgreSQL hands back `Date`
 * objects; SQLite (better-sqlite3) hands back what knex stored, which for a
 * `Date` is epoch milliseconds: a number, or a string of digits from an
 * aggregate such as `MIN(at)`. Strings of any other form are dates already.
 */
export function isoTimestamp(value: Date | string | number): string {
  return new Date(
    typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value,
  ).toISOString();
}
