export { GPU_FLEET_REGISTRY_TOPIC, parseRegistryEvent } from './registryEvents';
export type { GpuFleetRegistryEvent } from './registryEvents';
