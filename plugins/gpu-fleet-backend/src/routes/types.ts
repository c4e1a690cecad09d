import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';

export interface RouteDeps {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
}
