import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import type {
  AttachClusterRequest,
  AttachClusterResponse,
  AuditEntry,
  CapacityGroupKey,
  CapacityHistoryResponse,
  CapacityResponse,
  Cluster,
  ClusterInventoryResponse,
  CreateWorkspaceRequest,
  DeploymentManifestInput,
  DeploymentPreview,
  DeploymentRevision,
  DeploymentView,
  PlacementOptionsResponse,
  RetargetCheck,
  RevisionDiff,
  UpdateClusterRequest,
  UpdateWorkspaceRequest,
  WorkspaceNamespaceState,
  WorkspaceView,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import {
  CapacityFilters,
  ClusterListQuery,
  DeploymentListQuery,
  GpuFleetApi,
  PodLogQuery,
  PrerequisiteView,
  TokenRotation,
  WorkspaceListQuery,
} from './GpuFleetApi';
import { responseError } from './apiResponseError';

// The registry's largest page.
const PAGE_SIZE = 500;

type Query = Record<string, string | number | undefined>;

function queryString(query: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

function capacityQuery(
  groupBy: CapacityGroupKey[],
  filters: CapacityFilters = {},
): Query {
  return {
    groupBy: groupBy.length > 0 ? groupBy.join(',') : undefined,
    provider: filters.provider,
    gpuType: filters.gpuType,
    cluster: filters.cluster,
    capacityType: filters.capacityType,
  };
}

const clusterPath = (name: string) => `/clusters/${encodeURIComponent(name)}`;
const workspacePath = (name: string) =>
  `/workspaces/${encodeURIComponent(name)}`;
const deploymentPath = (workspace: string, name: string) =>
  `${workspacePath(workspace)}/deployments/${encodeURIComponent(name)}`;

/** Talks to /api/gpu-fleet with the signed-in person's credentials. */
export class GpuFleetClient implements GpuFleetApi {
  constructor(
    private readonly deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi },
  ) {}

  listClusters(query: ClusterListQuery = {}): Promise<Cluster[]> {
    return this.allPages('/clusters', { ...query });
  }

  getCluster(name: string): Promise<Cluster> {
    return this.request('GET', clusterPath(name));
  }

  attachCluster(request: AttachClusterRequest): Promise<AttachClusterResponse> {
    return this.request('POST', '/clusters', request);
  }

  updateCluster(name: string, request: UpdateClusterRequest): Promise<Cluster> {
    return this.request('PATCH', clusterPath(name), request);
  }

  detachCluster(name: string): Promise<Cluster> {
    return this.request('DELETE', clusterPath(name));
  }

  rotateToken(name: string): Promise<TokenRotation> {
    return this.request('POST', `${clusterPath(name)}/token/rotate`);
  }

  revokeToken(name: string): Promise<Cluster> {
    return this.request('POST', `${clusterPath(name)}/token/revoke`);
  }

  async getPrerequisites(name: string): Promise<PrerequisiteView[]> {
    const body = await this.request<{ checks: PrerequisiteView[] }>(
      'GET',
      `${clusterPath(name)}/prerequisites`,
    );
    return body.checks;
  }

  async getAudit(
    name: string,
    options: { limit?: number; before?: number } = {},
  ): Promise<AuditEntry[]> {
    const body = await this.request<{ items: AuditEntry[] }>(
      'GET',
      `${clusterPath(name)}/audit${queryString(options)}`,
    );
    return body.items;
  }

  getClusterInventory(name: string): Promise<ClusterInventoryResponse> {
    return this.request('GET', `${clusterPath(name)}/inventory`);
  }

  getCapacity(
    groupBy: CapacityGroupKey[],
    filters?: CapacityFilters,
  ): Promise<CapacityResponse> {
    return this.request(
      'GET',
      `/capacity${queryString(capacityQuery(groupBy, filters))}`,
    );
  }

  getCapacityHistory(
    groupBy: CapacityGroupKey[],
    range: { from: Date; to: Date },
    filters?: CapacityFilters,
  ): Promise<CapacityHistoryResponse> {
    return this.request(
      'GET',
      `/capacity/history${queryString({
        ...capacityQuery(groupBy, filters),
        from: range.from.toISOString(),
        to: range.to.toISOString(),
      })}`,
    );
  }

  listWorkspaces(query: WorkspaceListQuery = {}): Promise<WorkspaceView[]> {
    return this.allPages('/workspaces', { ...query });
  }

  getWorkspace(name: string): Promise<WorkspaceView> {
    return this.request('GET', workspacePath(name));
  }

  createWorkspace(request: CreateWorkspaceRequest): Promise<WorkspaceView> {
    return this.request('POST', '/workspaces', request);
  }

  updateWorkspace(
    name: string,
    request: UpdateWorkspaceRequest,
  ): Promise<WorkspaceView> {
    return this.request('PATCH', workspacePath(name), request);
  }

  async deleteWorkspace(name: string): Promise<void> {
    await this.request('DELETE', workspacePath(name));
  }

  getWorkspaceNamespace(name: string): Promise<WorkspaceNamespaceState> {
    return this.request('GET', `${workspacePath(name)}/namespace`);
  }

  getPlacementOptions(): Promise<PlacementOptionsResponse> {
    return this.request('GET', '/placement-options');
  }

  async listDeployments(
    query: DeploymentListQuery = {},
  ): Promise<DeploymentView[]> {
    const body = await this.request<{ items: DeploymentView[] }>(
      'GET',
      `/deployments${queryString({ ...query })}`,
    );
    return body.items;
  }

  createDeployment(manifest: DeploymentManifestInput): Promise<DeploymentView> {
    return this.request('POST', '/deployments', manifest);
  }

  previewDeployment(
    manifest: DeploymentManifestInput,
  ): Promise<DeploymentPreview> {
    return this.request('POST', '/deployments/preview', manifest);
  }

  getDeployment(workspace: string, name: string): Promise<DeploymentView> {
    return this.request('GET', deploymentPath(workspace, name));
  }

  updateDeployment(
    workspace: string,
    name: string,
    manifest: DeploymentManifestInput,
  ): Promise<DeploymentView> {
    return this.request('PUT', deploymentPath(workspace, name), manifest);
  }

  getDeploymentRequirements(
    workspace: string,
    name: string,
    cluster: string,
  ): Promise<RetargetCheck> {
    return this.request(
      'GET',
      `${deploymentPath(workspace, name)}/requirements${queryString({
        cluster,
      })}`,
    );
  }

  retargetDeployment(
    workspace: string,
    name: string,
    cluster: string,
  ): Promise<DeploymentView> {
    return this.request('POST', `${deploymentPath(workspace, name)}/retarget`, {
      cluster,
    });
  }

  deleteDeployment(
    workspace: string,
    name: string,
  ): Promise<DeploymentView | undefined> {
    return this.request('DELETE', deploymentPath(workspace, name));
  }

  async listDeploymentRevisions(
    workspace: string,
    name: string,
  ): Promise<DeploymentRevision[]> {
    const body = await this.request<{ items: DeploymentRevision[] }>(
      'GET',
      `${deploymentPath(workspace, name)}/revisions`,
    );
    return body.items;
  }

  getRevisionDiff(
    workspace: string,
    name: string,
    revision: number,
  ): Promise<RevisionDiff> {
    return this.request(
      'GET',
      `${deploymentPath(workspace, name)}/revisions/${revision}/diff`,
    );
  }

  async getPodLog(
    cluster: string,
    namespace: string,
    pod: string,
    query: PodLogQuery = {},
  ): Promise<string> {
    const response = await this.send(
      'GET',
      `${clusterPath(cluster)}/proxy/api/v1/namespaces/${encodeURIComponent(
        namespace,
      )}/pods/${encodeURIComponent(pod)}/log${queryString({
        tailLines: query.tailLines,
        container: query.container,
      })}`,
    );
    return response.text();
  }

  private async allPages<T>(path: string, query: Query): Promise<T[]> {
    const items: T[] = [];
    for (;;) {
      const page = await this.request<{ items: T[]; totalCount: number }>(
        'GET',
        `${path}${queryString({
          ...query,
          limit: PAGE_SIZE,
          offset: items.length,
        })}`,
      );
      items.push(...page.items);
      if (page.items.length === 0 || items.length >= page.totalCount) {
        return items;
      }
    }
  }

  private async request<T>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<T> {
    const response = await this.send(method, path, body);
    // A 204 (a deletion) has no body to parse.
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }

  private async send(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<Response> {
    const baseUrl = await this.deps.discoveryApi.getBaseUrl('gpu-fleet');
    const response = await this.deps.fetchApi.fetch(`${baseUrl}${path}`, {
      method,
      headers:
        body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw await responseError(response);
    return response;
  }
}
