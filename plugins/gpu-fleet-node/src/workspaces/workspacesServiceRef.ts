import {
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { WorkspacesClient, WorkspacesService } from './WorkspacesClient';

/** GPU Fleet's workspaces, read-only, for backend modules of other plugins. */
export const workspacesServiceRef = createServiceRef<WorkspacesService>({
  id: 'gpu-fleet.workspaces',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: { discovery: coreServices.discovery, auth: coreServices.auth },
      factory: deps => new WorkspacesClient(deps),
    }),
});
