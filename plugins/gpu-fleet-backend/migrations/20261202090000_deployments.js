// @ts-check

/**
 * Deployments and their revisions. A deployment row records how far its
 * latest revision got (committing, delivering, applied, deleting), so a
 * restarted backend finishes the step it was in.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('gpu_fleet_deployments', table => {
    table.string('workspace_name', 63).notNullable();
    table.string('name', 63).notNullable();
    // Tells a deployment from an earlier one of the same name in Git's history.
    table.string('uid', 36).notNullable();
    table.string('cluster_name', 63).notNullable();
    table.string('namespace', 63).notNullable();
    table.string('kind', 16).notNullable();
    table.string('template', 32).notNullable();
    table.text('manifest').notNullable();
    table.integer('revision').notNullable();
    table.integer('applied_revision').nullable();
    table.string('applied_commit', 64).nullable();
    table.string('state', 16).notNullable();
    table.text('delivery_error').nullable();
    table.integer('attempts').notNullable().defaultTo(0);
    table.string('created_by', 255).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.string('updated_by', 255).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.timestamp('state_updated_at', { useTz: true }).notNullable();
    table.primary(['workspace_name', 'name']);
    // The resume loop looks for unfinished deliveries.
    table.index(['state'], 'gpu_fleet_deployments_state_idx');
  });
  await knex.schema.createTable('gpu_fleet_deployment_revisions', table => {
    table.string('workspace_name', 63).notNullable();
    table.string('deployment_name', 63).notNullable();
    table.integer('revision').notNullable();
    table.string('action', 16).notNullable();
    table.string('commit_sha', 64).nullable();
    table.string('author', 255).notNullable();
    table.text('message').notNullable();
    table.string('cluster_name', 63).notNullable();
    table.string('namespace', 63).notNullable();
    table.string('path', 255).notNullable();
    // References of the objects on the cluster, for pruning and deleting.
    table.text('objects').notNullable();
    // The rendered objects, kept until their commit is made.
    table.text('rendered').notNullable();
    table.text('manifest').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.primary(['workspace_name', 'deployment_name', 'revision']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('gpu_fleet_deployment_revisions');
  await knex.schema.dropTable('gpu_fleet_deployments');
};
