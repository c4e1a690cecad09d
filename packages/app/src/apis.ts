import {
  ScmIntegrationsApi,
  scmIntegrationsApiRef,
  ScmAuth,
} from '@backstage/integration-react';
import {
  AnyApiFactory,
  configApiRef,
  createApiFactory,
  gitlabAuthApiRef,
  googleAuthApiRef,
  microsoftAuthApiRef,
  oktaAuthApiRef,
  oneloginAuthApiRef,
} from '@backstage/core-plugin-api';
import {
  KubernetesAuthProviders,
  kubernetesAuthProvidersApiRef,
} from '@backstage/plugin-kubernetes-react';
import { GpuFleetKubernetesAuthProviders } from '@gpu-fleet/plugin-gpu-fleet';
import { oidcAuthApiFactory } from './oidcAuth';

export const apis: AnyApiFactory[] = [
  createApiFactory({
    api: scmIntegrationsApiRef,
    deps: { configApi: configApiRef },
    factory: ({ configApi }) => ScmIntegrationsApi.fromConfig(configApi),
  }),
  ScmAuth.createDefaultApiFactory(),
  oidcAuthApiFactory,
  // The Kubernetes plugin's own providers, plus GPU Fleet's clusters (which
  // the stock providers would refuse as unknown).
  createApiFactory({
    api: kubernetesAuthProvidersApiRef,
    deps: {
      gitlabAuthApi: gitlabAuthApiRef,
      googleAuthApi: googleAuthApiRef,
      microsoftAuthApi: microsoftAuthApiRef,
      oktaAuthApi: oktaAuthApiRef,
      oneloginAuthApi: oneloginAuthApiRef,
    },
    factory: ({
      gitlabAuthApi,
      googleAuthApi,
      microsoftAuthApi,
      oktaAuthApi,
      oneloginAuthApi,
    }) =>
      new GpuFleetKubernetesAuthProviders(
        new KubernetesAuthProviders({
          googleAuthApi,
          microsoftAuthApi,
          oidcProviders: {
            gitlab: gitlabAuthApi,
            google: googleAuthApi,
            microsoft: microsoftAuthApi,
            okta: oktaAuthApi,
            onelogin: oneloginAuthApi,
          },
        }),
      ),
  }),
];
