import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import {
  Cluster,
  ClusterStatus,
  ProviderId,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { GpuFleetApiRequests } from './GpuFleetApiRequests';

/** What other backend plugins may read of the cluster registry. */
export interface ClusterRegistryService {
  listClusters(filter?: {
    provider?: ProviderId;
    status?: ClusterStatus;
  }): Promise<Cluster[]>;
  getCluster(name: string): Promise<Cluster | undefined>;
}

/** Reads the registry over its REST API with the caller's service credentials. */
export class ClusterRegistryClient implements ClusterRegistryService {
  private readonly api: GpuFleetApiRequests;

  constructor(deps: { discovery: DiscoveryService; auth: AuthService }) {
    this.api = new GpuFleetApiRequests(deps);
  }

  async listClusters(
    filter: { provider?: ProviderId; status?: ClusterStatus } = {},
  ): Promise<Cluster[]> {
    const query = new URLSearchParams();
    if (filter.provider) query.set('provider', filter.provider);
    if (filter.status) query.set('status', filter.status);
    return this.api.all('/clusters', query);
  }

  async getCluster(name: string): Promise<Cluster | undefined> {
    return this.api.json(`/clusters/${encodeURIComponent(name)}`, {
      allowNotFound: true,
    });
  }
}
