export { capacityServiceRef } from './capacityServiceRef';
export { CapacityClient } from './CapacityClient';
export type { CapacityQueryFilters, CapacityService } from './CapacityClient';
