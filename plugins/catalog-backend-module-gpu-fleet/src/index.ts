/**
 * The catalog backend module for GPU Fleet: one Resource per attached
 * cluster and per workspace, one Component per deployment.
 *
 * @packageDocumentation
 */
export { catalogModuleGpuFleet as default } from './module';
export { GpuFleetEntityProvider } from './GpuFleetEntityProvider';
export { FleetReader } from './FleetReader';
export type { FleetRead, FleetReaderDeps } from './FleetReader';
export { fleetEntities, gpusByCluster } from './fleetEntities';
export type {
  FleetEntities,
  FleetEntityOptions,
  FleetSnapshot,
} from './fleetEntities';
export {
  CLUSTER_RESOURCE_TYPE,
  CLUSTERS_NAMESPACE,
  clusterEntityRef,
  deploymentEntityRef,
  WORKSPACE_RESOURCE_TYPE,
  WORKSPACES_NAMESPACE,
  workspaceEntityRef,
} from './entityNames';
export { PortalLinks } from './portalLinks';
