import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { createScaffolderFieldExtension } from '@backstage/plugin-scaffolder-react';
import { gpuFleetApiRef } from './api/GpuFleetApi';
import { GpuFleetClient } from './api/GpuFleetClient';
import { placementPickerField } from './components/PlacementPicker';
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

/**
 * The scaffolder field `GpuFleetPlacementPicker` (`type: object`): a
 * workspace the person may deploy into, a GPU type its cluster has and GPUs
 * per pod, as `{ workspace, cluster, gpuType, gpuCount }`. `ui:options.podsFrom`
 * names the form field whose number of pods (MPI workers, minimum replicas)
 * multiplies `gpuCount`. A choice that cannot run now is refused on Next.
 */
export const GpuFleetPlacementPickerFieldExtension = gpuFleetPlugin.provide(
  createScaffolderFieldExtension(placementPickerField),
);

/**
 * For catalog entity pages: the GPU capacity of the cluster an entity names
 * in its gpu-fleet.io/cluster annotation, as GPU Fleet's cluster Resources do.
 */
export const EntityGpuCapacityCard = gpuFleetPlugin.provide(
  createComponentExtension({
    name: 'EntityGpuCapacityCard',
    component: {
      lazy: () =>
        import('./components/EntityGpuCapacityCard').then(
          m => m.EntityGpuCapacityCard,
        ),
    },
  }),
);
