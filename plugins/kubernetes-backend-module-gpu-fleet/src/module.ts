import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  kubernetesAuthStrategyExtensionPoint,
  kubernetesClusterSupplierExtensionPoint,
} from '@backstage/plugin-kubernetes-node';
import { GPU_FLEET_KUBERNETES_AUTH_PROVIDER } from '@gpu-fleet/plugin-gpu-fleet-common';
import { clusterRegistryServiceRef } from '@gpu-fleet/plugin-gpu-fleet-node';
import { AttachedClusters } from './AttachedClusters';
import { GpuFleetAuthStrategy } from './GpuFleetAuthStrategy';
import { GpuFleetClustersSupplier } from './GpuFleetClustersSupplier';
import { stockAuthStrategies } from './stockAuthStrategies';

/**
 * Gives the Kubernetes backend GPU Fleet's clusters, reached through the
 * agent tunnel as the signed-in user, beside the clusters it already has.
 */
export const kubernetesModuleGpuFleet = createBackendModule({
  pluginId: 'kubernetes',
  moduleId: 'gpu-fleet',
  register(env) {
    env.registerInit({
      deps: {
        clusterSuppliers: kubernetesClusterSupplierExtensionPoint,
        authStrategies: kubernetesAuthStrategyExtensionPoint,
        auth: coreServices.auth,
        config: coreServices.rootConfig,
        discovery: coreServices.discovery,
        logger: coreServices.logger,
        registry: clusterRegistryServiceRef,
      },
      async init({
        clusterSuppliers,
        authStrategies,
        auth,
        config,
        discovery,
        logger,
        registry,
      }) {
        for (const [name, strategy] of stockAuthStrategies(config, logger)) {
          authStrategies.addAuthStrategy(name, strategy);
        }
        authStrategies.addAuthStrategy(
          GPU_FLEET_KUBERNETES_AUTH_PROVIDER,
          new GpuFleetAuthStrategy(),
        );
        // Only one supplier is allowed: ours wraps the default.
        clusterSuppliers.addClusterSupplier(
          async ({ getDefault }) =>
            new GpuFleetClustersSupplier({
              configured: await getDefault(),
              attached: new AttachedClusters(registry),
              auth,
              discovery,
              logger,
            }),
        );
      },
    });
  },
});
