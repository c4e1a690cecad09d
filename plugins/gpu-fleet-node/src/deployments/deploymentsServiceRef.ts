import {
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { DeploymentsClient, DeploymentsService } from './DeploymentsClient';

/** GPU Fleet's deployments, for backend modules of other plugins. */
export const deploymentsServiceRef = createServiceRef<DeploymentsService>({
  id: 'gpu-fleet.deployments',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: { discovery: coreServices.discovery, auth: coreServices.auth },
      factory: deps => new DeploymentsClient(deps),
    }),
});
