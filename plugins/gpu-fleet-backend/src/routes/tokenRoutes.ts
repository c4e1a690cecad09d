import Router from 'express-promise-router';
import { gpuFleetClusterTokenManagePermission } from '@gpu-fleet/plugin-gpu-fleet-common';
import { ClusterRegistry } from '../registry/ClusterRegistry';
import { authorize, clusterNameParam } from './requestContext';
import { RouteDeps } from './types';

export function tokenRoutes(registry: ClusterRegistry, deps: RouteDeps) {
  const router = Router();

  // The new token is in this response only; it is never shown again.
  router.post('/clusters/:name/token/rotate', async (req, res) => {
    const name = clusterNameParam(req);
    const actor = await authorize(
      req,
      gpuFleetClusterTokenManagePermission,
      deps,
      name,
    );
    res.json(await registry.rotateToken(name, actor));
  });

  router.post('/clusters/:name/token/revoke', async (req, res) => {
    const name = clusterNameParam(req);
    const actor = await authorize(
      req,
      gpuFleetClusterTokenManagePermission,
      deps,
      name,
    );
    res.json(await registry.revokeToken(name, actor));
  });

  return router;
}
