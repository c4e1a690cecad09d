import { OAuthApi } from '@backstage/core-plugin-api';
import { KubernetesAuthProviders } from '@backstage/plugin-kubernetes-react';
import { GpuFleetKubernetesAuthProviders } from './GpuFleetKubernetesAuthProviders';

// The stock providers, with sign-in APIs these tests never reach.
const unused = {} as OAuthApi;
const providers = new GpuFleetKubernetesAuthProviders(
  new KubernetesAuthProviders({
    googleAuthApi: unused,
    microsoftAuthApi: unused,
  }),
);
const body = {
  entity: { apiVersion: 'v1', kind: 'Component', metadata: { name: 'llama' } },
};

describe('GpuFleetKubernetesAuthProviders', () => {
  it('sends requests for GPU Fleet clusters as they are: the backend adds the user', async () => {
    await expect(
      providers.decorateRequestBodyForAuth('gpufleet', body),
    ).resolves.toBe(body);
    await expect(providers.getCredentials('gpufleet')).resolves.toEqual({});
  });

  it('leaves every other provider to the stock providers, refusals included', async () => {
    await expect(
      providers.decorateRequestBodyForAuth('serviceAccount', body),
    ).resolves.toBe(body);
    await expect(providers.getCredentials('unknown')).rejects.toThrow(
      'authProvider "unknown" has no KubernetesAuthProvider defined for it',
    );
  });
});
