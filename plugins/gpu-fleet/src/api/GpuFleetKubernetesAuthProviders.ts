import { KubernetesAuthProvidersApi } from '@backstage/plugin-kubernetes-react';
import { GPU_FLEET_KUBERNETES_AUTH_PROVIDER } from '@gpu-fleet/plugin-gpu-fleet-common';

type KubernetesRequestBody = Parameters<
  KubernetesAuthProvidersApi['decorateRequestBodyForAuth']
>[1];

/**
 * The Kubernetes tab's auth providers with GPU Fleet's added: the backend
 * reaches GPU Fleet's clusters as the signed-in user, so the browser adds
 * nothing to requests for them. Every other provider is the one given
 * (the stock KubernetesAuthProviders, which refuses providers it does not
 * know, GPU Fleet's included).
 */
export class GpuFleetKubernetesAuthProviders
  implements KubernetesAuthProvidersApi
{
  constructor(private readonly others: KubernetesAuthProvidersApi) {}

  async decorateRequestBodyForAuth(
    authProvider: string,
    requestBody: KubernetesRequestBody,
  ): Promise<KubernetesRequestBody> {
    if (authProvider === GPU_FLEET_KUBERNETES_AUTH_PROVIDER) return requestBody;
    return this.others.decorateRequestBodyForAuth(authProvider, requestBody);
  }

  async getCredentials(authProvider: string): Promise<{ token?: string }> {
    if (authProvider === GPU_FLEET_KUBERNETES_AUTH_PROVIDER) return {};
    return this.others.getCredentials(authProvider);
  }
}
