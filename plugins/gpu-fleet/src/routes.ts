import { createRouteRef, createSubRouteRef } from '@backstage/core-plugin-api';

/** Where the app mounts GpuFleetPage; every other page sits beneath it. */
export const fleetRouteRef = createRouteRef({ id: 'gpu-fleet:fleet' });

export const capacityRouteRef = createSubRouteRef({
  id: 'gpu-fleet:capacity',
  parent: fleetRouteRef,
  path: '/capacity',
});

export const clustersRouteRef = createSubRouteRef({
  id: 'gpu-fleet:clusters',
  parent: fleetRouteRef,
  path: '/clusters',
});

export const clusterRouteRef = createSubRouteRef({
  id: 'gpu-fleet:cluster',
  parent: fleetRouteRef,
  path: '/clusters/:name',
});

// Beside /clusters rather than under it, so no cluster name can collide with it.
export const attachClusterRouteRef = createSubRouteRef({
  id: 'gpu-fleet:attach-cluster',
  parent: fleetRouteRef,
  path: '/attach',
});

export const workspacesRouteRef = createSubRouteRef({
  id: 'gpu-fleet:workspaces',
  parent: fleetRouteRef,
  path: '/workspaces',
});

export const workspaceRouteRef = createSubRouteRef({
  id: 'gpu-fleet:workspace',
  parent: fleetRouteRef,
  path: '/workspaces/:name',
});

export const deploymentsRouteRef = createSubRouteRef({
  id: 'gpu-fleet:deployments',
  parent: fleetRouteRef,
  path: '/deployments',
});

// Beside the list rather than under a workspace, so no deployment name can collide with it.
export const newDeploymentRouteRef = createSubRouteRef({
  id: 'gpu-fleet:new-deployment',
  parent: fleetRouteRef,
  path: '/deployments/new',
});

export const deploymentRouteRef = createSubRouteRef({
  id: 'gpu-fleet:deployment',
  parent: fleetRouteRef,
  path: '/workspaces/:workspace/deployments/:name',
});

export const editDeploymentRouteRef = createSubRouteRef({
  id: 'gpu-fleet:edit-deployment',
  parent: fleetRouteRef,
  path: '/workspaces/:workspace/deployments/:name/edit',
});
