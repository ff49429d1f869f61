// @ts-check

/**
 * Change sets (several deployment records landing as one commit or pull
 * request) and Idempotency-Key replay.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('gitops_deployments', table => {
    table.uuid('change_set_id').nullable();
    table.string('repository', 255).nullable();
    table.text('commit_url').nullable();
    table.index(['change_set_id'], 'gitops_deployments_change_set_idx');
  });
  await knex.schema.createTable('gitops_idempotency', table => {
    table.comment('First answer to a mutation, per Idempotency-Key and caller');
    table.string('key', 255).notNullable();
    table.string('actor', 255).notNullable();
    table.string('request_hash', 64).notNullable();
    table.string('state', 16).notNullable();
    table.integer('response_status').nullable();
    table.text('response_body').nullable();
    table.datetime('created_at', { useTz: true }).notNullable();
    table.primary(['key', 'actor']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('gitops_idempotency');
  await knex.schema.alterTable('gitops_deployments', table => {
    table.dropIndex(['change_set_id'], 'gitops_deployments_change_set_idx');
    table.dropColumn('change_set_id');
    table.dropColumn('repository');
    table.dropColumn('commit_url');
  });
};
