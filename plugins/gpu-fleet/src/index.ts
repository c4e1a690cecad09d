/**
 * GPU Fleet pages for the Backstage app: fleet overview, GPU capacity,
 * clusters, the attach wizard, workspaces and deployments; and the
 * scaffolder field that places a deployment.
 *
 * @packageDocumentation
 */
export {
  gpuFleetPlugin,
  GpuFleetPage,
  GpuFleetPlacementPickerFieldExtension,
} from './plugin';
export type {
  GpuFleetPlacementPickerProps,
  PlacementPickerUiOptions,
} from './components/PlacementPicker';
export { EntityGpuCapacityCard } from './plugin';
export { isGpuFleetCluster } from './components/EntityGpuCapacityCard';
export type { EntityGpuCapacityCardProps } from './components/EntityGpuCapacityCard';
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
export { GpuFleetKubernetesAuthProviders } from './api/GpuFleetKubernetesAuthProviders';
