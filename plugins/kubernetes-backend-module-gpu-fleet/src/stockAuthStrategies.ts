import {
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import {
  AksStrategy,
  AnonymousStrategy,
  AwsIamStrategy,
  AzureIdentityStrategy,
  GoogleServiceAccountStrategy,
  GoogleStrategy,
  OidcStrategy,
  ServiceAccountStrategy,
} from '@backstage/plugin-kubernetes-backend';
import { AuthenticationStrategy } from '@backstage/plugin-kubernetes-node';

/**
 * The Kubernetes backend's own strategies, under the names its defaults use.
 * Its initializer uses the extension point's strategies instead of its
 * defaults, not beside them (plugin-kubernetes-backend 0.21): a module that
 * adds one strategy and not these would leave every app-config cluster
 * without its auth provider, and the backend would refuse to start.
 */
export function stockAuthStrategies(
  config: RootConfigService,
  logger: LoggerService,
): Array<[string, AuthenticationStrategy]> {
  return [
    ['aks', new AksStrategy()],
    ['aws', new AwsIamStrategy({ config })],
    ['azure', new AzureIdentityStrategy(logger)],
    ['google', new GoogleStrategy()],
    ['googleServiceAccount', new GoogleServiceAccountStrategy({ config })],
    ['localKubectlProxy', new AnonymousStrategy()],
    ['oidc', new OidcStrategy()],
    ['serviceAccount', new ServiceAccountStrategy()],
  ];
}
