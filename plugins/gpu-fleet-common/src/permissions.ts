import { createPermission } from '@backstage/plugin-permission-common';

/** Permission resource type of attached clusters; the resource ref is the cluster's name. */
export const GPU_FLEET_CLUSTER_RESOURCE_TYPE = 'gpu-fleet-cluster';
/** Permission resource type of workspaces; the resource ref is the workspace's name. */
export const GPU_FLEET_WORKSPACE_RESOURCE_TYPE = 'gpu-fleet-workspace';

export const gpuFleetClusterReadPermission = createPermission({
  name: 'gpu-fleet.cluster.read',
  attributes: { action: 'read' },
  resourceType: GPU_FLEET_CLUSTER_RESOURCE_TYPE,
});

export const gpuFleetClusterAttachPermission = createPermission({
  name: 'gpu-fleet.cluster.attach',
  attributes: { action: 'create' },
});

export const gpuFleetClusterUpdatePermission = createPermission({
  name: 'gpu-fleet.cluster.update',
  attributes: { action: 'update' },
  resourceType: GPU_FLEET_CLUSTER_RESOURCE_TYPE,
});

export const gpuFleetClusterDetachPermission = createPermission({
  name: 'gpu-fleet.cluster.detach',
  attributes: { action: 'delete' },
  resourceType: GPU_FLEET_CLUSTER_RESOURCE_TYPE,
});

/** Rotating or revoking a cluster's agent token. */
export const gpuFleetClusterTokenManagePermission = createPermission({
  name: 'gpu-fleet.cluster.token.manage',
  attributes: { action: 'update' },
  resourceType: GPU_FLEET_CLUSTER_RESOURCE_TYPE,
});

/**
 * Any request to a cluster's Kubernetes API through its tunnel, whatever its
 * namespace and verb: a fleet admin's right. Others reach the proxy through
 * the cluster-read and workspace permissions below, per request.
 */
export const gpuFleetClusterProxyPermission = createPermission({
  name: 'gpu-fleet.cluster.proxy',
  attributes: { action: 'update' },
  resourceType: GPU_FLEET_CLUSTER_RESOURCE_TYPE,
});

/** Reading GPU inventory, capacity, cost and its history. */
export const gpuFleetCapacityReadPermission = createPermission({
  name: 'gpu-fleet.capacity.read',
  attributes: { action: 'read' },
});

export const gpuFleetWorkspaceCreatePermission = createPermission({
  name: 'gpu-fleet.workspace.create',
  attributes: { action: 'create' },
});

/** Seeing the workspace, its members, defaults, quota and namespace state. */
export const gpuFleetWorkspaceReadPermission = createPermission({
  name: 'gpu-fleet.workspace.read',
  attributes: { action: 'read' },
  resourceType: GPU_FLEET_WORKSPACE_RESOURCE_TYPE,
});

/** Changing members and settings (defaults, quota, identity, privileged). */
export const gpuFleetWorkspaceUpdatePermission = createPermission({
  name: 'gpu-fleet.workspace.update',
  attributes: { action: 'update' },
  resourceType: GPU_FLEET_WORKSPACE_RESOURCE_TYPE,
});

export const gpuFleetWorkspaceDeletePermission = createPermission({
  name: 'gpu-fleet.workspace.delete',
  attributes: { action: 'delete' },
  resourceType: GPU_FLEET_WORKSPACE_RESOURCE_TYPE,
});

/**
 * Kubernetes API reads in the workspace's namespace (get, list, watch of
 * anything but Secrets; pod logs).
 */
export const gpuFleetWorkspaceKubeReadPermission = createPermission({
  name: 'gpu-fleet.workspace.kube.read',
  attributes: { action: 'read' },
  resourceType: GPU_FLEET_WORKSPACE_RESOURCE_TYPE,
});

/** Creating, changing and deleting workload objects in the workspace's namespace. */
export const gpuFleetWorkspaceKubeWritePermission = createPermission({
  name: 'gpu-fleet.workspace.kube.write',
  attributes: { action: 'update' },
  resourceType: GPU_FLEET_WORKSPACE_RESOURCE_TYPE,
});

/**
 * Secrets, access control objects (Roles, RoleBindings, ServiceAccounts),
 * quotas and pod exec/attach/port-forward in the namespace: a workspace
 * admin's.
 */
export const gpuFleetWorkspaceKubeAdminPermission = createPermission({
  name: 'gpu-fleet.workspace.kube.admin',
  attributes: { action: 'update' },
  resourceType: GPU_FLEET_WORKSPACE_RESOURCE_TYPE,
});

export const gpuFleetPermissions = [
  gpuFleetClusterReadPermission,
  gpuFleetClusterAttachPermission,
  gpuFleetClusterUpdatePermission,
  gpuFleetClusterDetachPermission,
  gpuFleetClusterTokenManagePermission,
  gpuFleetClusterProxyPermission,
  gpuFleetCapacityReadPermission,
  gpuFleetWorkspaceCreatePermission,
  gpuFleetWorkspaceReadPermission,
  gpuFleetWorkspaceUpdatePermission,
  gpuFleetWorkspaceDeletePermission,
  gpuFleetWorkspaceKubeReadPermission,
  gpuFleetWorkspaceKubeWritePermission,
  gpuFleetWorkspaceKubeAdminPermission,
];
