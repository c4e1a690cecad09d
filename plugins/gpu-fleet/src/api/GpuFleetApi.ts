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
  DeploymentManifestInput,
  DeploymentPreview,
  DeploymentRevision,
  DeploymentView,
  PlacementOptionsResponse,
  PrerequisiteCheckDefinition,
  PrerequisiteStatus,
  ProviderId,
  RetargetCheck,
  RevisionDiff,
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

export interface DeploymentListQuery {
  /** Only this workspace's deployments; without it, across the fleet. */
  workspace?: string;
}

export interface PodLogQuery {
  container?: string;
  tailLines?: number;
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
  /** The workspaces the caller may deploy into, with their clusters' GPUs now. */
  getPlacementOptions(): Promise<PlacementOptionsResponse>;
  /** Only what the caller may read. */
  listDeployments(query?: DeploymentListQuery): Promise<DeploymentView[]>;
  createDeployment(manifest: DeploymentManifestInput): Promise<DeploymentView>;
  /** Renders and checks the manifest; nothing is written. */
  previewDeployment(
    manifest: DeploymentManifestInput,
  ): Promise<DeploymentPreview>;
  getDeployment(workspace: string, name: string): Promise<DeploymentView>;
  /** A new revision. */
  updateDeployment(
    workspace: string,
    name: string,
    manifest: DeploymentManifestInput,
  ): Promise<DeploymentView>;
  /** What keeps the deployment from running on `cluster`. */
  getDeploymentRequirements(
    workspace: string,
    name: string,
    cluster: string,
  ): Promise<RetargetCheck>;
  /** Refused with a 409 whose body lists `unmet` while requirements are unmet. */
  retargetDeployment(
    workspace: string,
    name: string,
    cluster: string,
  ): Promise<DeploymentView>;
  /** The deployment while it is being deleted, or undefined when gone at once. */
  deleteDeployment(
    workspace: string,
    name: string,
  ): Promise<DeploymentView | undefined>;
  /** Newest first. */
  listDeploymentRevisions(
    workspace: string,
    name: string,
  ): Promise<DeploymentRevision[]>;
  getRevisionDiff(
    workspace: string,
    name: string,
    revision: number,
  ): Promise<RevisionDiff>;
  /** A pod's log as plain text, through the kube proxy. */
  getPodLog(
    cluster: string,
    namespace: string,
    pod: string,
    query?: PodLogQuery,
  ): Promise<string>;
}

export const gpuFleetApiRef = createApiRef<GpuFleetApi>({
  id: 'plugin.gpu-fleet.api',
});
