// @ts-check

/**
 * Leases on manifest branches, one row per repository and branch being
 * written, so writers in different replicas queue for a branch instead of
 * racing each other's compare-and-swap until one gives up.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('gitops_branch_leases', table => {
    table.comment('Which writer holds a manifest branch, until when');
    table
      .string('branch_key', 255)
      .primary()
      .comment('The repository and branch, e.g. github.com/shop/deploy#main');
    table.string('holder', 64).notNullable().comment('The writer holding it');
    table
      .bigInteger('expires_at_ms')
      .notNullable()
      .comment('Epoch milliseconds; a holder that died frees it then');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('gitops_branch_leases');
};
