import type { ProviderId } from '../providers';

/** Roles in a workspace, each including the rights of the ones before it. */
export const WORKSPACE_ROLES = ['viewer', 'deployer', 'admin'] as const;
export type WorkspaceRole = (typeof WORKSPACE_ROLES)[number];

/** The roles that hold at least `role`'s rights. */
export function rolesAtLeast(role: WorkspaceRole): WorkspaceRole[] {
  return WORKSPACE_ROLES.slice(WORKSPACE_ROLES.indexOf(role));
}

/** A catalog user or group (`user:default/bob`, `group:default/ml-research`) and its role. */
export interface WorkspaceMember {
  ref: string;
  role: WorkspaceRole;
}

/** GPUs of one normalised type the workspace may request at once. */
export interface WorkspaceGpuQuota {
  gpuType: string;
  count: number;
}

export interface Toleration {
  key?: string;
  operator?: 'Exists' | 'Equal';
  value?: string;
  effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  tolerationSeconds?: number;
}

export const WORKSPACE_CAPACITY_TYPES = [
  'on-demand',
  'spot',
  'spot-with-fallback',
] as const;
export type WorkspaceCapacityType = (typeof WORKSPACE_CAPACITY_TYPES)[number];

/** What everything deployed into the workspace inherits. */
export interface WorkspaceDefaults {
  tolerations: Toleration[];
  nodeSelector: Record<string, string>;
  priorityClassName: string | null;
  capacityType: WorkspaceCapacityType | null;
}

/**
 * The cloud identity the workspace's workload ServiceAccount is bound to;
 * which field applies depends on the cluster's provider.
 */
export interface WorkloadIdentity {
  /** EKS IRSA: the IAM role's ARN. */
  awsRoleArn?: string;
  /** GKE Workload Identity: the Google service account's email. */
  gcpServiceAccount?: string;
  /** AKS Workload Identity: the managed identity's client id. */
  azureClientId?: string;
  /** OKE: the cluster's OCID and the compartment for the IAM policy statement. */
  ociClusterId?: string;
  ociCompartment?: string;
}

export interface Workspace {
  name: string;
  cluster: string;
  namespace: string;
  displayName: string;
  description: string | null;
  /** Whether privileged (RDMA) pods may run here. */
  allowPrivileged: boolean;
  gpuQuota: WorkspaceGpuQuota[];
  defaults: WorkspaceDefaults;
  workloadIdentity: WorkloadIdentity;
  members: WorkspaceMember[];
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

/** What the caller may do in a workspace, as the permission policy decided. */
export interface WorkspaceAccess {
  /** Deployments, pods, logs (viewer). */
  read: boolean;
  /** Workloads: create, change, delete (deployer). */
  deploy: boolean;
  /** Members, settings and Secrets (admin). */
  administer: boolean;
  /** Deleting the workspace (fleet admins). */
  delete: boolean;
}

/** A workspace as the caller sees it. */
export interface WorkspaceView extends Workspace {
  access: WorkspaceAccess;
}

export interface WorkspaceList {
  items: WorkspaceView[];
  totalCount: number;
}

/** How the workspace's namespace looks on its cluster right now. */
export interface WorkspaceNamespaceState {
  /** false when the cluster's agent is not connected. */
  reachable: boolean;
  message: string | null;
  namespace: {
    exists: boolean;
    phase: string | null;
    podSecurity: string | null;
  };
  /** Hard limits against what is requested now, per quota key (`requests.nvidia.com/gpu`). */
  quota: Array<{ resource: string; hard: string; used: string }>;
  serviceAccount: {
    name: string;
    exists: boolean;
    annotations: Record<string, string>;
  };
}

export type { ProviderId };
