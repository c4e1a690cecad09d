// @ts-check

/**
 * The cluster registry: clusters, their token hashes, the latest prerequisite
 * result per check, and an audit log of every change.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('gpu_fleet_clusters', table => {
    table.string('name', 63).primary().notNullable();
    table.string('display_name', 200).notNullable();
    table.string('provider', 32).notNullable();
    table.string('region', 100).nullable();
    table.text('description').nullable();
    table.text('labels').notNullable();
    table.text('addons').notNullable();
    table.string('status', 16).notNullable();
    table.string('agent_version', 100).nullable();
    table.string('kubernetes_version', 100).nullable();
    table.timestamp('last_seen_at', { useTz: true }).nullable();
    table.string('created_by', 255).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.timestamp('detached_at', { useTz: true }).nullable();
    table.index(
      ['provider', 'status'],
      'gpu_fleet_clusters_provider_status_idx',
    );
  });

  await knex.schema.createTable('gpu_fleet_cluster_tokens', table => {
    table.increments('id').primary();
    table
      .string('cluster_name', 63)
      .notNullable()
      .references('name')
      .inTable('gpu_fleet_clusters')
      .onDelete('CASCADE');
    // SHA-256 of the token; the token itself is never stored.
    table.string('token_hash', 64).notNullable().unique();
    table.string('created_by', 255).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('expires_at', { useTz: true }).nullable();
    table.timestamp('rotated_at', { useTz: true }).nullable();
    table.timestamp('revoked_at', { useTz: true }).nullable();
    table.string('revoked_by', 255).nullable();
    table.index(['cluster_name'], 'gpu_fleet_cluster_tokens_cluster_idx');
  });

  await knex.schema.createTable('gpu_fleet_prerequisite_results', table => {
    table
      .string('cluster_name', 63)
      .notNullable()
      .references('name')
      .inTable('gpu_fleet_clusters')
      .onDelete('CASCADE');
    table.string('check_id', 64).notNullable();
    table.string('status', 16).notNullable();
    table.text('message').notNullable();
    table.text('details').nullable();
    table.timestamp('checked_at', { useTz: true }).notNullable();
    table.primary(['cluster_name', 'check_id']);
  });

  await knex.schema.createTable('gpu_fleet_audit_log', table => {
    table.increments('id').primary();
    // No foreign key: the log outlives whatever it describes.
    table.string('cluster_name', 63).notNullable();
    table.string('actor', 255).notNullable();
    table.string('action', 64).notNullable();
    table.text('details').notNullable();
    table.timestamp('at', { useTz: true }).notNullable();
    table.index(['cluster_name', 'id'], 'gpu_fleet_audit_log_cluster_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('gpu_fleet_audit_log');
  await knex.schema.dropTable('gpu_fleet_prerequisite_results');
  await knex.schema.dropTable('gpu_fleet_cluster_tokens');
  await knex.schema.dropTable('gpu_fleet_clusters');
};
