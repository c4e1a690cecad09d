import Router from 'express-promise-router';
import {
  attachClusterRequestSchema,
  gpuFleetClusterAttachPermission,
  gpuFleetClusterDetachPermission,
  gpuFleetClusterReadPermission,
  gpuFleetClusterUpdatePermission,
  listClustersQuerySchema,
  updateClusterRequestSchema,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { z } from 'zod';
import { ClusterRegistry } from '../registry/ClusterRegistry';
import { authorize, clusterNameParam, parse } from './requestContext';
import { RouteDeps } from './types';

const auditQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z.coerce.number().int().min(1).optional(),
});

export function clusterRoutes(registry: ClusterRegistry, deps: RouteDeps) {
  const router = Router();

  router.get('/clusters', async (req, res) => {
    await authorize(req, gpuFleetClusterReadPermission, deps);
    const query = parse(listClustersQuerySchema, req.query);
    const page = await registry.list(query);
    res.json({ ...page, limit: query.limit, offset: query.offset });
  });

  router.post('/clusters', async (req, res) => {
    const actor = await authorize(req, gpuFleetClusterAttachPermission, deps);
    const request = parse(attachClusterRequestSchema, req.body);
    res.status(201).json(await registry.attach(request, actor));
  });

  router.get('/clusters/:name', async (req, res) => {
    await authorize(req, gpuFleetClusterReadPermission, deps);
    res.json(await registry.get(clusterNameParam(req)));
  });

  router.patch('/clusters/:name', async (req, res) => {
    const actor = await authorize(req, gpuFleetClusterUpdatePermission, deps);
    const name = clusterNameParam(req);
    const request = parse(updateClusterRequestSchema, req.body);
    res.json(await registry.update(name, request, actor));
  });

  router.delete('/clusters/:name', async (req, res) => {
    const actor = await authorize(req, gpuFleetClusterDetachPermission, deps);
    res.json(await registry.detach(clusterNameParam(req), actor));
  });

  router.get('/clusters/:name/prerequisites', async (req, res) => {
    await authorize(req, gpuFleetClusterReadPermission, deps);
    res.json({ checks: await registry.prerequisites(clusterNameParam(req)) });
  });

  router.get('/clusters/:name/audit', async (req, res) => {
    await authorize(req, gpuFleetClusterReadPermission, deps);
    const name = clusterNameParam(req);
    const query = parse(auditQuerySchema, req.query);
    res.json({
      items: await registry.audit(name, {
        limit: query.limit,
        beforeId: query.before,
      }),
    });
  });

  return router;
}
