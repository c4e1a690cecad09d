/** Service refs other backend modules use to reach the GPU Fleet cluster registry. */
export { clusterRegistryServiceRef } from './clusterRegistryServiceRef';
export { ClusterRegistryClient } from './ClusterRegistryClient';
export type { ClusterRegistryService } from './ClusterRegistryClient';
/** Deployments, called on behalf of the credentials given (scaffolder actions, catalog). */
export * from './deployments';
/** Permission resource refs, rules and condition builders for GPU Fleet's clusters and workspaces. */
export * from './permissions';
/** Resolving a caller's workspace claims (user, groups, parent groups) through the catalog. */
export * from './membership';
/** Workspaces and GPU capacity, read with the calling module's own service credentials. */
export * from './workspaces';
export * from './capacity';
/** The events topic announcing changes to clusters, workspaces and deployments. */
export * from './events';
