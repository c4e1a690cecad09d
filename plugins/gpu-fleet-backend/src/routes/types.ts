import {
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';

export interface RouteDeps {
  httpAuth: HttpAuthService;
  logger: LoggerService;
  permissions: PermissionsService;
}
