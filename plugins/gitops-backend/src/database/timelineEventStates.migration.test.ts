import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { createTestDatabases } from '../__testUtils__/testDatabases';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const directory = resolve(__dirname, '../../migrations');
const MIGRATION = '20261129_timeline_event_states.js';

describe.each(databases.eachSupportedId())('migration %s', databaseId => {
  it('keeps the events stored before it readable: what they moved is read from their summaries once', async () => {
    const knex = await databases.init(databaseId);
    // Every migration before this one, then events as they were stored.
    const before = readdirSync(directory)
      .filter(f => f.endsWith('.js'))
      .sort()
      .filter(f => f < MIGRATION);
    for (let i = 0; i < before.length; i++) {
      await knex.migrate.up({ directory });
    }
    const row = (type: string, summary: string, n: number) => ({
      instance: 'local',
      namespace: 'argocd',
      app: 'cart-dev',
      type,
      at: new Date(Date.UTC(2026, 10, 20, 10, n)),
      summary,
      dedupe_key: `k${n}`,
    });
    await knex('gitops_timeline_events').insert([
      row('health', 'Health Healthy → Degraded', 1),
      row('health', 'Health Degraded → Healthy', 2),
      row('sync-status', 'OutOfSync with abc1234', 3),
      row('operation-started', 'Sync started to abc1234 by admin', 4),
      row('operation', 'Sync Failed at abc1234 (auto-sync)', 5),
      row('deployed', 'Deployed abc1234', 6),
    ]);

    await knex.migrate.up({ directory, name: MIGRATION });
    const rows = await knex('gitops_timeline_events')
      .select('type', 'from_state', 'to_state')
      .orderBy('at');
    expect(rows).toEqual([
      { type: 'health', from_state: 'Healthy', to_state: 'Degraded' },
      { type: 'health', from_state: 'Degraded', to_state: 'Healthy' },
      { type: 'sync-status', from_state: null, to_state: 'OutOfSync' },
      { type: 'operation-started', from_state: null, to_state: 'Running' },
      { type: 'operation', from_state: null, to_state: 'Failed' },
      { type: 'deployed', from_state: null, to_state: null },
    ]);

    await knex.migrate.down({ directory, name: MIGRATION });
    expect(
      await knex.schema.hasColumn('gitops_timeline_events', 'to_state'),
    ).toBe(false);
  });
});
