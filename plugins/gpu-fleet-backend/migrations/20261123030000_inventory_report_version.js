// @ts-check

/**
 * A counter per cluster that rises with every stored report, so replicas
 * that did not receive it can tell their copy is old without trusting clocks.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('gpu_fleet_inventory_reports', table => {
    table.bigInteger('version').notNullable().defaultTo(0);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('gpu_fleet_inventory_reports', table => {
    table.dropColumn('version');
  });
};
