/** Service refs other backend modules use to reach the GPU Fleet cluster registry. */
export { clusterRegistryServiceRef } from './clusterRegistryServiceRef';
export { ClusterRegistryClient } from './ClusterRegistryClient';
export type { ClusterRegistryService } from './ClusterRegistryClient';
/** Permission resource refs, rules and condition builders for GPU Fleet's clusters and workspaces. */
export * from './permissions';
/** Resolving a caller's workspace claims (user, groups, parent groups) through the catalog. */
export * from './membership';
