// @ts-check

/**
 * The notifications Shipdeck sent, one row per incident (a deployment that
 * ended degraded, an Application that went Degraded, a pull request that
 * waited too long), so every replica's scheduled look sends each once.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('gitops_notifications_sent', table => {
    table.comment('Incidents Shipdeck has notified owners about');
    table
      .string('key', 255)
      .primary()
      .comment('The incident, e.g. degraded:<instance>/<namespace>/<app>');
    table.string('entity_ref', 255).notNullable();
    table.datetime('sent_at', { useTz: true }).notNullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('gitops_notifications_sent');
};
