// @ts-check

/**
 * The latest GPU inventory each agent reported (one row per node, so a
 * delta touches only the nodes it names) and capacity samples for trends.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('gpu_fleet_inventory_nodes', table => {
    table
      .string('cluster_name', 63)
      .notNullable()
      .references('name')
      .inTable('gpu_fleet_clusters')
      .onDelete('CASCADE');
    table.string('node_name', 253).notNullable();
    // The normalised NodeInventory as JSON: read whole, never queried by field.
    table.text('inventory').notNullable();
    table.primary(['cluster_name', 'node_name']);
  });

  await knex.schema.createTable('gpu_fleet_inventory_reports', table => {
    table
      .string('cluster_name', 63)
      .primary()
      .notNullable()
      .references('name')
      .inTable('gpu_fleet_clusters')
      .onDelete('CASCADE');
    table.timestamp('reported_at', { useTz: true }).notNullable();
  });

  await knex.schema.createTable('gpu_fleet_capacity_samples', table => {
    table.increments('id').primary();
    table.timestamp('sampled_at', { useTz: true }).notNullable();
    table.string('provider', 32).notNullable();
    table.string('gpu_type', 64).notNullable();
    table.string('cluster_name', 63).notNullable();
    table.integer('total').notNullable();
    table.integer('allocated').notNullable();
    table.integer('free').notNullable();
    table.index(['sampled_at'], 'gpu_fleet_capacity_samples_at_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('gpu_fleet_capacity_samples');
  await knex.schema.dropTable('gpu_fleet_inventory_reports');
  await knex.schema.dropTable('gpu_fleet_inventory_nodes');
};
