// @ts-check

/**
 * What Shipdeck last learned about each pull request it opened, from the
 * scheduled look or a webhook: its state, review and checks for the page,
 * and the ETags of the last answers, so an unchanged pull request costs
 * GitHub's 304 (which does not count against the rate limit) on every
 * replica that runs the look.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('gitops_pull_requests', table => {
    table.comment('Last observed state of each pull request Shipdeck opened');
    table.string('repository', 255).notNullable();
    table.integer('number').notNullable();
    table.string('state', 16).notNullable();
    table.string('head_sha', 64).nullable();
    table.string('merge_commit_sha', 64).nullable();
    table.string('review', 32).nullable();
    table.string('checks', 16).nullable();
    table
      .text('etags')
      .nullable()
      .comment('ETag per GitHub resource read, as JSON');
    table.datetime('observed_at', { useTz: true }).notNullable();
    table.primary(['repository', 'number']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('gitops_pull_requests');
};
