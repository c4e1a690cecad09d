/**
 * GPU Fleet pages for the Backstage app: fleet overview, GPU capacity,
 * clusters, the attach wizard, workspaces and deployments.
 *
 * @packageDocumentation
 */
export { gpuFleetPlugin, GpuFleetPage } from './plugin';
export { gpuFleetApiRef } from './api/GpuFleetApi';
export type {
  GpuFleetApi,
  CapacityFilters,
  ClusterListQuery,
  DeploymentListQuery,
  PodLogQuery,
  PrerequisiteView,
  TokenRotation,
  WorkspaceListQuery,
} from './api/GpuFleetApi';
export { GpuFleetClient } from './api/GpuFleetClient';
