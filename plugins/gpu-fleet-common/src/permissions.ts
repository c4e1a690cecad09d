import { createPermission } from '@backstage/plugin-permission-common';

export const gpuFleetClusterReadPermission = createPermission({
  name: 'gpu-fleet.cluster.read',
  attributes: { action: 'read' },
});

export const gpuFleetClusterAttachPermission = createPermission({
  name: 'gpu-fleet.cluster.attach',
  attributes: { action: 'create' },
});

export const gpuFleetClusterUpdatePermission = createPermission({
  name: 'gpu-fleet.cluster.update',
  attributes: { action: 'update' },
});

export const gpuFleetClusterDetachPermission = createPermission({
  name: 'gpu-fleet.cluster.detach',
  attributes: { action: 'delete' },
});

/** Rotating or revoking a cluster's agent token. */
export const gpuFleetClusterTokenManagePermission = createPermission({
  name: 'gpu-fleet.cluster.token.manage',
  attributes: { action: 'update' },
});

/** Reaching a cluster's Kubernetes API through its tunnel. */
export const gpuFleetClusterProxyPermission = createPermission({
  name: 'gpu-fleet.cluster.proxy',
  attributes: { action: 'update' },
});

/** Reading GPU inventory, capacity, cost and its history. */
export const gpuFleetCapacityReadPermission = createPermission({
  name: 'gpu-fleet.capacity.read',
  attributes: { action: 'read' },
});

export const gpuFleetPermissions = [
  gpuFleetClusterReadPermission,
  gpuFleetClusterAttachPermission,
  gpuFleetClusterUpdatePermission,
  gpuFleetClusterDetachPermission,
  gpuFleetClusterTokenManagePermission,
  gpuFleetClusterProxyPermission,
  gpuFleetCapacityReadPermission,
];
