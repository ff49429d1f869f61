import { isoTimestamp } from './dates';

describe('isoTimestamp', () => {
  const at = '2026-11-28T10:00:00.000Z';
  const epoch = Date.parse(at);

  it.each([
    ['a PostgreSQL Date', new Date(at)],
    ['SQLite epoch milliseconds', epoch],
    ['SQLite epoch milliseconds from an aggregate', String(epoch)],
    ['an ISO string', at],
    ['a SQLite datetime string', '2026-11-28 10:00:00Z'],
  ])('reads %s', (_, value) => {
    expect(isoTimestamp(value)).toBe(at);
  });
});
