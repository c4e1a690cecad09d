import {
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { CapacityClient, CapacityService } from './CapacityClient';

/** GPU capacity (total, allocated, free per group), for backend modules of other plugins. */
export const capacityServiceRef = createServiceRef<CapacityService>({
  id: 'gpu-fleet.capacity',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: { discovery: coreServices.discovery, auth: coreServices.auth },
      factory: deps => new CapacityClient(deps),
    }),
});
