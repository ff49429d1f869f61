// @ts-check

/**
 * Deployment records and their steps. Argo CD keeps about ten history entries
 * per Application; Shipdeck keeps every record here.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('gitops_deployments', table => {
    table.comment(
      'One requested change of version for one entity in one environment',
    );
    table.uuid('id').primary();
    table.string('entity_ref', 255).notNullable();
    table.string('environment', 64).notNullable();
    table.string('action', 32).notNullable();
    table.string('actor', 255).notNullable();
    table.string('from_version', 255).nullable();
    table.string('to_version', 255).notNullable();
    table.string('status', 32).notNullable();
    table.string('commit_sha', 64).nullable();
    table.text('pull_request_url').nullable();
    table.datetime('created_at', { useTz: true }).notNullable();
    table.index(
      ['entity_ref', 'environment', 'created_at'],
      'gitops_deployments_target_idx',
    );
  });
  await knex.schema.createTable('gitops_deployment_steps', table => {
    table.comment(
      'What happened to a deployment after it was requested, in order',
    );
    table.increments('id').primary();
    table
      .uuid('deployment_id')
      .notNullable()
      .references('id')
      .inTable('gitops_deployments')
      .onDelete('CASCADE');
    table.string('name', 64).notNullable();
    table.text('message').nullable();
    table.datetime('at', { useTz: true }).notNullable();
    table.index(['deployment_id'], 'gitops_deployment_steps_deployment_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('gitops_deployment_steps');
  await knex.schema.dropTable('gitops_deployments');
};
