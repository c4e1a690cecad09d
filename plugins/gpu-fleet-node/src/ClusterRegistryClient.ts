import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  Cluster,
  ClusterStatus,
  ProviderId,
} from '@gpu-fleet/plugin-gpu-fleet-common';

/** What other backend plugins may read of the cluster registry. */
export interface ClusterRegistryService {
  listClusters(filter?: {
    provider?: ProviderId;
    status?: ClusterStatus;
  }): Promise<Cluster[]>;
  getCluster(name: string): Promise<Cluster | undefined>;
}

const PAGE = 500;

/** Reads the registry over its REST API with the caller's service credentials. */
export class ClusterRegistryClient implements ClusterRegistryService {
  constructor(
    private readonly deps: { discovery: DiscoveryService; auth: AuthService },
  ) {}

  async listClusters(
    filter: { provider?: ProviderId; status?: ClusterStatus } = {},
  ) {
    const clusters: Cluster[] = [];
    for (let offset = 0; ; offset += PAGE) {
      const query = new URLSearchParams({
        limit: String(PAGE),
        offset: String(offset),
      });
      if (filter.provider) query.set('provider', filter.provider);
      if (filter.status) query.set('status', filter.status);
      const page = await this.request(`/clusters?${query}`);
      clusters.push(...page.items);
      if (page.items.length < PAGE) return clusters;
    }
  }

  async getCluster(name: string) {
    return this.request(`/clusters/${encodeURIComponent(name)}`, true);
  }

  private async request(path: string, allowNotFound = false) {
    const baseUrl = await this.deps.discovery.getBaseUrl('gpu-fleet');
    const { token } = await this.deps.auth.getPluginRequestToken({
      onBehalfOf: await this.deps.auth.getOwnServiceCredentials(),
      targetPluginId: 'gpu-fleet',
    });
    const response = await fetch(`${baseUrl}${path}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    if (allowNotFound && response.status === 404) return undefined;
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return response.json();
  }
}
