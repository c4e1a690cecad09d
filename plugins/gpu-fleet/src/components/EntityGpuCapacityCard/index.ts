export {
  EntityGpuCapacityCard,
  isGpuFleetCluster,
} from './EntityGpuCapacityCard';
export type { EntityGpuCapacityCardProps } from './EntityGpuCapacityCard';
