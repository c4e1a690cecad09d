import {
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import {
  ClusterRegistryClient,
  ClusterRegistryService,
} from './ClusterRegistryClient';

/** The cluster registry, for backend modules of other plugins. */
export const clusterRegistryServiceRef =
  createServiceRef<ClusterRegistryService>({
    id: 'gpu-fleet.cluster-registry',
    defaultFactory: async service =>
      createServiceFactory({
        service,
        deps: { discovery: coreServices.discovery, auth: coreServices.auth },
        factory: deps => new ClusterRegistryClient(deps),
      }),
  });
