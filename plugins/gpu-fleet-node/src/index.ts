/** Service refs other backend modules use to reach the GPU Fleet cluster registry. */
export { clusterRegistryServiceRef } from './clusterRegistryServiceRef';
export { ClusterRegistryClient } from './ClusterRegistryClient';
export type { ClusterRegistryService } from './ClusterRegistryClient';
