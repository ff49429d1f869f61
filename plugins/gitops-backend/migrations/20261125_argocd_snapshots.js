// @ts-check

/**
 * What the background task last saw of every Argo CD Application, per
 * instance, so page views read the database and never call Argo CD; and the
 * timeline events derived from what changed between two looks.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('gitops_deployments', table => {
    table.string('argocd_instance', 255).nullable();
    table.string('argocd_namespace', 255).nullable();
    table.string('argocd_app', 255).nullable();
  });
  await knex.schema.createTable('gitops_app_snapshots', table => {
    table.comment('Latest observed state of each Argo CD Application');
    table.string('instance', 255).notNullable();
    table.string('namespace', 255).notNullable();
    table.string('name', 255).notNullable();
    table
      .text('application')
      .notNullable()
      .comment('Projected Application as JSON');
    table.datetime('observed_at', { useTz: true }).notNullable();
    table.primary(['instance', 'namespace', 'name']);
  });
  await knex.schema.createTable('gitops_instance_status', table => {
    table.comment('Outcome of the last look at each Argo CD instance');
    table.string('instance', 255).primary();
    table.datetime('last_attempt_at', { useTz: true }).notNullable();
    table.datetime('last_success_at', { useTz: true }).nullable();
    table.text('last_error').nullable();
  });
  await knex.schema.createTable('gitops_timeline_events', table => {
    table.comment(
      'What happened to each Argo CD Application, kept beyond Argo CD history',
    );
    table.bigIncrements('id').primary();
    table.string('instance', 255).notNullable();
    table.string('namespace', 255).notNullable();
    table.string('app', 255).notNullable();
    table.string('type', 32).notNullable();
    table.datetime('at', { useTz: true }).notNullable();
    table.string('revision', 64).nullable();
    table.text('summary').notNullable();
    table.text('details').nullable();
    table.string('dedupe_key', 255).notNullable().unique();
    table.index(
      ['instance', 'namespace', 'app', 'at'],
      'gitops_timeline_app_idx',
    );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('gitops_deployments', table => {
    table.dropColumn('argocd_instance');
    table.dropColumn('argocd_namespace');
    table.dropColumn('argocd_app');
  });
  await knex.schema.dropTable('gitops_timeline_events');
  await knex.schema.dropTable('gitops_instance_status');
  await knex.schema.dropTable('gitops_app_snapshots');
};
