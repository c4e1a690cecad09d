/**
 * GPU Fleet pages for the Backstage app: fleet overview, GPU capacity,
 * clusters and the attach wizard.
 *
 * @packageDocumentation
 */
export { gpuFleetPlugin, GpuFleetPage } from './plugin';
export { gpuFleetApiRef } from './api/GpuFleetApi';
export type {
  GpuFleetApi,
  CapacityFilters,
  ClusterListQuery,
  PrerequisiteView,
  TokenRotation,
} from './api/GpuFleetApi';
export { GpuFleetClient } from './api/GpuFleetClient';
