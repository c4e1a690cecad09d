import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { DatabaseManager } from '@backstage/backend-defaults/database';
import { ConfigReader } from '@backstage/config';
import { Knex } from 'knex';

/**
 * Gives one plugin the test's database and every other plugin an in-memory
 * SQLite of its own, as production gives each plugin its own database.
 * With one shared database, the real auth service of each plugin would
 * migrate its key store there at the same moment and fail.
 */
export function pluginDatabaseFactory(pluginId: string, knex: Knex) {
  return createServiceFactory({
    service: coreServices.database,
    deps: {
      plugin: coreServices.pluginMetadata,
      logger: coreServices.logger,
      lifecycle: coreServices.lifecycle,
    },
    createRootContext() {
      return DatabaseManager.fromConfig(
        new ConfigReader({
          backend: {
            database: { client: 'better-sqlite3', connection: ':memory:' },
          },
        }),
      );
    },
    factory({ plugin, logger, lifecycle }, others) {
      if (plugin.getId() === pluginId) {
        return { getClient: async () => knex };
      }
      return others.forPlugin(plugin.getId(), { logger, lifecycle });
    },
  });
}
