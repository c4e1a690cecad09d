import { createRouteRef, createSubRouteRef } from '@backstage/core-plugin-api';

export const fleetRouteRef = createRouteRef({ id: 'gpu-fleet:fleet' });

export const capacityRouteRef = createRouteRef({ id: 'gpu-fleet:capacity' });

export const clustersRouteRef = createRouteRef({ id: 'gpu-fleet:clusters' });

export const clusterRouteRef = createSubRouteRef({
  id: 'gpu-fleet:cluster',
  parent: clustersRouteRef,
  path: '/:name',
});

export const attachClusterRouteRef = createRouteRef({
  id: 'gpu-fleet:attach-cluster',
});
