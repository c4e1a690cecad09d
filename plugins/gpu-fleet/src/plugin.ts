import {
  createApiFactory,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { gpuFleetApiRef } from './api/GpuFleetApi';
import { GpuFleetClient } from './api/GpuFleetClient';
import {
  attachClusterRouteRef,
  capacityRouteRef,
  clusterRouteRef,
  clustersRouteRef,
  deploymentRouteRef,
  deploymentsRouteRef,
  editDeploymentRouteRef,
  fleetRouteRef,
  newDeploymentRouteRef,
  workspaceRouteRef,
  workspacesRouteRef,
} from './routes';

export const gpuFleetPlugin = createPlugin({
  id: 'gpu-fleet',
  apis: [
    createApiFactory({
      api: gpuFleetApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new GpuFleetClient(deps),
    }),
  ],
  routes: {
    fleet: fleetRouteRef,
    capacity: capacityRouteRef,
    clusters: clustersRouteRef,
    cluster: clusterRouteRef,
    attachCluster: attachClusterRouteRef,
    workspaces: workspacesRouteRef,
    workspace: workspaceRouteRef,
    deployments: deploymentsRouteRef,
    newDeployment: newDeploymentRouteRef,
    deployment: deploymentRouteRef,
    editDeployment: editDeploymentRouteRef,
  },
});

/**
 * Every GPU Fleet page, mounted once at /gpu-fleet: the overview, `capacity`,
 * `clusters`, `clusters/:name`, the attach wizard at `attach`, `workspaces`
 * and `workspaces/:name`.
 */
export const GpuFleetPage = gpuFleetPlugin.provide(
  createRoutableExtension({
    name: 'GpuFleetPage',
    component: () => import('./components/Router').then(m => m.Router),
    mountPoint: fleetRouteRef,
  }),
);
