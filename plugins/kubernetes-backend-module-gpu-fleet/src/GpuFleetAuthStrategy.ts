import { AuthenticationError } from '@backstage/errors';
import { KubernetesRequestAuth } from '@backstage/plugin-kubernetes-common';
import {
  AuthenticationStrategy,
  AuthMetadata,
  ClusterDetails,
  KubernetesCredential,
} from '@backstage/plugin-kubernetes-node';

/**
 * Where GpuFleetClustersSupplier puts the token it minted for this request:
 * a plugin token for `gpu-fleet` on behalf of the signed-in user.
 */
export const GPU_FLEET_TOKEN_METADATA_KEY = 'gpu-fleet.io/on-behalf-of-token';

/**
 * Sends the caller's on-behalf-of token to GPU Fleet's Kubernetes proxy, which
 * decides each request on the caller's workspace rights. The token never
 * leaves the backend: the Kubernetes backend shows presentAuthMetadata's
 * answer to the browser, and that is empty.
 */
export class GpuFleetAuthStrategy implements AuthenticationStrategy {
  async getCredential(
    clusterDetails: ClusterDetails,
    // What the browser sent: nothing, for a server-side provider.
    _requestAuth: KubernetesRequestAuth,
  ): Promise<KubernetesCredential> {
    const token = clusterDetails.authMetadata[GPU_FLEET_TOKEN_METADATA_KEY];
    if (!token) {
      throw new AuthenticationError(
        `cluster '${clusterDetails.name}' carries no GPU Fleet token: only GPU Fleet's cluster supplier can reach it, for a signed-in user`,
      );
    }
    return { type: 'bearer token', token };
  }

  validateCluster(authMetadata: AuthMetadata): Error[] {
    // Only the supplier can mint the token, per request: a cluster from
    // app-config or the catalog naming this provider could never be reached.
    if (authMetadata[GPU_FLEET_TOKEN_METADATA_KEY]) return [];
    return [
      new Error(
        'the gpufleet auth provider is for the clusters GPU Fleet registers; attach the cluster to GPU Fleet instead of configuring it',
      ),
    ];
  }

  presentAuthMetadata(_authMetadata: AuthMetadata): AuthMetadata {
    return {};
  }
}
