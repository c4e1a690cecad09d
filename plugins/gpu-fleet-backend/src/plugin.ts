import {
  coreServices,
  createBackendPlugin,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { gpuFleetPermissions } from '@gpu-fleet/plugin-gpu-fleet-common';
import { ClusterRegistry } from './registry/ClusterRegistry';
import { ClusterStore } from './registry/ClusterStore';
import { readRegistryConfig } from './registryConfig';
import { createRouter } from './routes/router';

const migrationsDir = resolvePackagePath(
  '@gpu-fleet/plugin-gpu-fleet-backend',
  'migrations',
);

/** GPU Fleet's control plane: the cluster registry and its REST API. */
export const gpuFleetPlugin = createBackendPlugin({
  pluginId: 'gpu-fleet',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        database: coreServices.database,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
      },
      async init(deps) {
        const knex = await deps.database.getClient();
        if (!deps.database.migrations?.skip) {
          await knex.migrate.latest({ directory: migrationsDir });
        }
        const settings = readRegistryConfig(deps.config);
        const registry = new ClusterRegistry(
          new ClusterStore(knex),
          settings.install,
          settings.tokenLifetimeMs,
        );
        deps.permissionsRegistry.addPermissions(gpuFleetPermissions);
        deps.httpRouter.use(createRouter(registry, deps));
      },
    });
  },
});
