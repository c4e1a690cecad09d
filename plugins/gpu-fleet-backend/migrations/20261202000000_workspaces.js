// @ts-check

/**
 * Workspaces (one namespace on one cluster, with defaults and GPU quota)
 * and their members: catalog users and groups with a role each.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('gpu_fleet_workspaces', table => {
    table.string('name', 63).primary().notNullable();
    table.string('cluster_name', 63).notNullable();
    table.string('namespace', 63).notNullable();
    table.string('display_name', 200).notNullable();
    table.text('description').nullable();
    table.boolean('allow_privileged').notNullable().defaultTo(false);
    table.text('gpu_quota').notNullable();
    table.text('defaults').notNullable();
    table.text('workload_identity').notNullable();
    table.string('created_by', 255).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    // One workspace per namespace: the proxy finds it by cluster and namespace.
    table.unique(['cluster_name', 'namespace'], {
      indexName: 'gpu_fleet_workspaces_namespace_uq',
    });
  });
  await knex.schema.createTable('gpu_fleet_workspace_members', table => {
    table
      .string('workspace_name', 63)
      .notNullable()
      .references('name')
      .inTable('gpu_fleet_workspaces')
      .onDelete('CASCADE');
    // Lower-cased entity ref: refs compare case-insensitively.
    table.string('member_ref', 255).notNullable();
    table.string('role', 16).notNullable();
    table.primary(['workspace_name', 'member_ref']);
    // Lists filter by the caller's refs first.
    table.index(
      ['member_ref', 'workspace_name'],
      'gpu_fleet_ws_members_ref_idx',
    );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('gpu_fleet_workspace_members');
  await knex.schema.dropTable('gpu_fleet_workspaces');
};
