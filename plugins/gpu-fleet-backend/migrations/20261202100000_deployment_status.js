// @ts-check

/**
 * What each cluster's agent last reported of every deployment it watches:
 * one row per deployment, so a delta touches only the ones it names.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('gpu_fleet_deployment_status', table => {
    table
      .string('cluster', 63)
      .notNullable()
      .references('name')
      .inTable('gpu_fleet_clusters')
      .onDelete('CASCADE');
    table.string('namespace', 63).notNullable();
    // The gpu-fleet.io/deployment label's value.
    table.string('name', 63).notNullable();
    // The ObservedDeployment as JSON: read whole, never queried by field.
    table.text('status').notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.primary(['cluster', 'namespace', 'name']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('gpu_fleet_deployment_status');
};
