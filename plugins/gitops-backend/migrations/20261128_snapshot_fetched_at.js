// @ts-check

/**
 * When each Application was last fetched whole (GET) rather than only listed:
 * a list projection has no history and no operation results, so an
 * Application never fetched has not had them imported into the timeline.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('gitops_app_snapshots', table => {
    table
      .datetime('fetched_at', { useTz: true })
      .nullable()
      .comment('Last full GET; null until history and operation are imported');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('gitops_app_snapshots', table => {
    table.dropColumn('fetched_at');
  });
};
