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
  fleetRouteRef,
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
  },
});

/** Clusters by provider and status, pooled GPUs, ways in. Mount at /gpu-fleet. */
export const GpuFleetPage = gpuFleetPlugin.provide(
  createRoutableExtension({
    name: 'GpuFleetPage',
    component: () =>
      import('./components/FleetOverviewPage').then(m => m.FleetOverviewPage),
    mountPoint: fleetRouteRef,
  }),
);

/** GPU capacity by provider and GPU type, with cost and trend. */
export const GpuCapacityPage = gpuFleetPlugin.provide(
  createRoutableExtension({
    name: 'GpuCapacityPage',
    component: () =>
      import('./components/CapacityPage').then(m => m.CapacityPage),
    mountPoint: capacityRouteRef,
  }),
);

/** The cluster list, and each cluster's page beneath it (`:name`). */
export const GpuClustersPage = gpuFleetPlugin.provide(
  createRoutableExtension({
    name: 'GpuClustersPage',
    component: () =>
      import('./components/ClustersPage').then(m => m.ClustersPage),
    mountPoint: clustersRouteRef,
  }),
);

/** The attach wizard: provider, add-ons, name and region, install command. */
export const GpuClusterAttachPage = gpuFleetPlugin.provide(
  createRoutableExtension({
    name: 'GpuClusterAttachPage',
    component: () =>
      import('./components/AttachClusterPage').then(m => m.AttachClusterPage),
    mountPoint: attachClusterRouteRef,
  }),
);
