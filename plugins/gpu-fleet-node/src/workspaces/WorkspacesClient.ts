import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { GpuFleetApiRequests } from '../GpuFleetApiRequests';
import { Workspace } from '@gpu-fleet/plugin-gpu-fleet-common';

/** What other backend plugins may read of GPU Fleet's workspaces. */
export interface WorkspacesService {
  /** Every workspace, or those on one cluster, however many pages that takes. */
  listWorkspaces(filter?: { cluster?: string }): Promise<Workspace[]>;
  getWorkspace(name: string): Promise<Workspace | undefined>;
}

/** Reads workspaces over the REST API with the caller's own service credentials. */
export class WorkspacesClient implements WorkspacesService {
  private readonly api: GpuFleetApiRequests;

  constructor(deps: { discovery: DiscoveryService; auth: AuthService }) {
    this.api = new GpuFleetApiRequests(deps);
  }

  async listWorkspaces(filter: { cluster?: string } = {}) {
    const query = new URLSearchParams();
    if (filter.cluster) query.set('cluster', filter.cluster);
    return this.api.all<Workspace>('/workspaces', query);
  }

  async getWorkspace(name: string): Promise<Workspace | undefined> {
    return this.api.json(`/workspaces/${encodeURIComponent(name)}`, {
      allowNotFound: true,
    });
  }
}
