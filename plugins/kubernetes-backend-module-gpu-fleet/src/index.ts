/**
 * Gives Backstage's Kubernetes backend GPU Fleet's clusters, reached through
 * the agent tunnel as the signed-in user.
 *
 * @packageDocumentation
 */
export { kubernetesModuleGpuFleet as default } from './module';
export { GpuFleetAuthStrategy } from './GpuFleetAuthStrategy';
export { GpuFleetClustersSupplier } from './GpuFleetClustersSupplier';
