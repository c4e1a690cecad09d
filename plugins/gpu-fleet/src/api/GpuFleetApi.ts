import { createApiRef } from '@backstage/core-plugin-api';
import type {
  AgentInstall,
  AttachClusterRequest,
  AttachClusterResponse,
  AuditEntry,
  CapacityGroupKey,
  CapacityHistoryResponse,
  CapacityResponse,
  CapacityType,
  Cluster,
  ClusterInventoryResponse,
  ClusterStatus,
  CreateWorkspaceRequest,
  PrerequisiteCheckDefinition,
  PrerequisiteStatus,
  ProviderId,
  UpdateClusterRequest,
  UpdateWorkspaceRequest,
  WorkspaceNamespaceState,
  WorkspaceView,
} from '@gpu-fleet/plugin-gpu-fleet-common';

/** One prerequisite check as the registry reports it, with its advice. */
export interface PrerequisiteView extends PrerequisiteCheckDefinition {
  status: PrerequisiteStatus;
  message: string;
  details?: Record<string, unknown>;
  checkedAt: string | null;
}

export interface ClusterListQuery {
  provider?: ProviderId;
  status?: ClusterStatus;
}

/** Narrows capacity to matching GPUs; every field is optional. */
export interface CapacityFilters {
  provider?: ProviderId;
  gpuType?: string;
  cluster?: string;
  capacityType?: CapacityType;
}

export interface WorkspaceListQuery {
  cluster?: string;
}

export interface TokenRotation {
  cluster: Cluster;
  /** Shown once; the registry keeps only its hash. */
  token: string;
  install: AgentInstall;
}

/** The gpu-fleet backend's REST API as the pages use it. */
export interface GpuFleetApi {
  /** Every cluster matching the query, however many pages that takes. */
  listClusters(query?: ClusterListQuery): Promise<Cluster[]>;
  getCluster(name: string): Promise<Cluster>;
  attachCluster(request: AttachClusterRequest): Promise<AttachClusterResponse>;
  updateCluster(name: string, request: UpdateClusterRequest): Promise<Cluster>;
  detachCluster(name: string): Promise<Cluster>;
  rotateToken(name: string): Promise<TokenRotation>;
  revokeToken(name: string): Promise<Cluster>;
  getPrerequisites(name: string): Promise<PrerequisiteView[]>;
  getAudit(
    name: string,
    options?: { limit?: number; before?: number },
  ): Promise<AuditEntry[]>;
  getClusterInventory(name: string): Promise<ClusterInventoryResponse>;
  getCapacity(
    groupBy: CapacityGroupKey[],
    filters?: CapacityFilters,
  ): Promise<CapacityResponse>;
  getCapacityHistory(
    groupBy: CapacityGroupKey[],
    range: { from: Date; to: Date },
    filters?: CapacityFilters,
  ): Promise<CapacityHistoryResponse>;
  /** Every workspace the caller may see, however many pages that takes. */
  listWorkspaces(query?: WorkspaceListQuery): Promise<WorkspaceView[]>;
  getWorkspace(name: string): Promise<WorkspaceView>;
  createWorkspace(request: CreateWorkspaceRequest): Promise<WorkspaceView>;
  updateWorkspace(
    name: string,
    request: UpdateWorkspaceRequest,
  ): Promise<WorkspaceView>;
  deleteWorkspace(name: string): Promise<void>;
  getWorkspaceNamespace(name: string): Promise<WorkspaceNamespaceState>;
}

export const gpuFleetApiRef = createApiRef<GpuFleetApi>({
  id: 'plugin.gpu-fleet.api',
});
