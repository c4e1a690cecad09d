import { ANNOTATION_KUBERNETES_AUTH_PROVIDER } from '@backstage/plugin-kubernetes-common';
import { ClusterDetails } from '@backstage/plugin-kubernetes-node';
import {
  Cluster,
  GPU_FLEET_KUBERNETES_AUTH_PROVIDER,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { GPU_FLEET_TOKEN_METADATA_KEY } from './GpuFleetAuthStrategy';

/**
 * A registry cluster as the Kubernetes backend reaches it: through GPU
 * Fleet's proxy route on the backend itself (the Kubernetes backend appends
 * API paths to the url), with the caller's on-behalf-of token.
 */
export function registryClusterDetails(
  cluster: Cluster,
  gpuFleetBaseUrl: string,
  token: string,
): ClusterDetails {
  return {
    name: cluster.name,
    title: cluster.displayName,
    url: `${gpuFleetBaseUrl}/clusters/${encodeURIComponent(
      cluster.name,
    )}/proxy`,
    authMetadata: {
      [ANNOTATION_KUBERNETES_AUTH_PROVIDER]: GPU_FLEET_KUBERNETES_AUTH_PROVIDER,
      [GPU_FLEET_TOKEN_METADATA_KEY]: token,
    },
    // The agent's role grants no metrics.k8s.io: every lookup would fail.
    skipMetricsLookup: true,
  };
}
