import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import { Workspace } from '@gpu-fleet/plugin-gpu-fleet-common';

/** What other backend plugins may read of GPU Fleet's workspaces. */
export interface WorkspacesService {
  /** Every workspace, or those on one cluster, however many pages that takes. */
  listWorkspaces(filter?: { cluster?: string }): Promise<Workspace[]>;
  getWorkspace(name: string): Promise<Workspace | undefined>;
}

const PAGE = 500;

/** Reads workspaces over the REST API with the caller's own service credentials. */
export class WorkspacesClient implements WorkspacesService {
  constructor(
    private readonly deps: { discovery: DiscoveryService; auth: AuthService },
  ) {}

  async listWorkspaces(filter: { cluster?: string } = {}) {
    const workspaces: Workspace[] = [];
    for (let offset = 0; ; offset += PAGE) {
      const query = new URLSearchParams({
        limit: String(PAGE),
        offset: String(offset),
      });
      if (filter.cluster) query.set('cluster', filter.cluster);
      const page = await this.request(`/workspaces?${query}`);
      workspaces.push(...page.items);
      if (page.items.length < PAGE) return workspaces;
    }
  }

  async getWorkspace(name: string): Promise<Workspace | undefined> {
    return this.request(`/workspaces/${encodeURIComponent(name)}`, true);
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
