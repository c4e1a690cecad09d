// @ts-check

/**
 * Which backend replica holds each cluster's live agent session, so a
 * request that lands on another replica can be passed to the right one.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('gpu_fleet_agent_sessions', table => {
    table
      .string('cluster_name', 63)
      .primary()
      .notNullable()
      .references('name')
      .inTable('gpu_fleet_clusters')
      .onDelete('CASCADE');
    table.string('replica_id', 64).notNullable();
    // Where the other replicas reach this one's gpu-fleet routes.
    table.string('replica_url', 1000).notNullable();
    table.timestamp('connected_at', { useTz: true }).notNullable();
    table.index(['replica_id'], 'gpu_fleet_agent_sessions_replica_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('gpu_fleet_agent_sessions');
};
