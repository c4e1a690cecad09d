import {
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { FleetAuthorizer } from '../permissions/FleetAuthorizer';
import { WorkspaceStore } from '../workspaces/WorkspaceStore';

export interface RouteDeps {
  authorizer: FleetAuthorizer;
  workspaceStore: WorkspaceStore;
  httpAuth: HttpAuthService;
  logger: LoggerService;
  permissions: PermissionsService;
}
