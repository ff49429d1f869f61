// @ts-check

/**
 * What each Argo CD event moved, as columns rather than display text: the
 * health before and after a health change, the sync status of a sync status
 * change, the phase of an operation. Metrics and the timeline's outcomes read
 * these. Events stored before hold it only in their summary, so it is read
 * from there once, here, in the form eventsBetween wrote it.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('gitops_timeline_events', table => {
    table
      .string('from_state', 32)
      .nullable()
      .comment('Health before a health change');
    table
      .string('to_state', 32)
      .nullable()
      .comment('Health, sync status or operation phase after the event');
  });
  const patterns = {
    health: /^Health (\w+) → (\w+)$/,
    'sync-status': /^()(\w+) with /,
    'operation-started': /^()Sync (started)\b/,
    operation: /^()Sync (\w+)\b/,
  };
  for (const [type, pattern] of Object.entries(patterns)) {
    let lastId = 0;
    for (;;) {
      const rows = await knex('gitops_timeline_events')
        .select('id', 'summary')
        .where({ type })
        .where('id', '>', lastId)
        .orderBy('id')
        .limit(500);
      if (!rows.length) break;
      for (const row of rows) {
        const match = pattern.exec(row.summary);
        if (!match) continue;
        await knex('gitops_timeline_events')
          .where({ id: row.id })
          .update({
            from_state: match[1] || null,
            to_state: match[2] === 'started' ? 'Running' : match[2],
          });
      }
      lastId = Number(rows[rows.length - 1].id);
    }
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('gitops_timeline_events', table => {
    table.dropColumn('from_state');
    table.dropColumn('to_state');
  });
};
