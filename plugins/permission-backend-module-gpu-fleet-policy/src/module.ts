import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { WorkspaceClaimsResolver } from '@gpu-fleet/plugin-gpu-fleet-node';
import { readFleetAdmins } from './fleetAdmins';
import { GpuFleetPermissionPolicy } from './GpuFleetPermissionPolicy';

/**
 * Sets GPU Fleet's default RBAC as the permission backend's policy. Replace
 * this module with your own policy to change it; GpuFleetPermissionPolicy
 * can wrap yours as its `fallback`.
 */
export const permissionModuleGpuFleetPolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'gpu-fleet-policy',
  register(env) {
    env.registerInit({
      deps: {
        policies: policyExtensionPoint,
        config: coreServices.rootConfig,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
      },
      async init({ policies, config, auth, catalog }) {
        policies.setPolicy(
          new GpuFleetPermissionPolicy({
            admins: readFleetAdmins(config),
            claims: new WorkspaceClaimsResolver(catalog, auth),
          }),
        );
      },
    });
  },
});
