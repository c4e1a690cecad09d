import Router from 'express-promise-router';
import {
  AttachClusterResponse,
  attachClusterRequestSchema,
  gpuFleetClusterAttachPermission,
  gpuFleetClusterDetachPermission,
  gpuFleetClusterReadPermission,
  gpuFleetClusterUpdatePermission,
  listClustersQuerySchema,
  updateClusterRequestSchema,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { z } from 'zod';
import { DemoConfig } from '../demoConfig';
import { whereCriteria } from '../permissions/criteriaQuery';
import { ClusterRegistry } from '../registry/ClusterRegistry';
import { authorize, clusterNameParam, parse } from './requestContext';
import { RouteDeps } from './types';

const auditQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z.coerce.number().int().min(1).optional(),
});

export function clusterRoutes(
  registry: ClusterRegistry,
  deps: RouteDeps,
  demo: DemoConfig,
) {
  const router = Router();

  router.get('/clusters', async (req, res) => {
    const credentials = await deps.authorizer.credentials(req);
    const filter = await deps.authorizer.clusterFilter(
      credentials,
      gpuFleetClusterReadPermission,
    );
    const query = parse(listClustersQuerySchema, req.query);
    const page = await registry.list({
      ...query,
      where: filter
        ? (builder, nameColumn) =>
            whereCriteria(builder, filter, (b, leaf) =>
              deps.workspaceStore.whereCluster(b, nameColumn, leaf),
            )
        : undefined,
    });
    res.json({ ...page, limit: query.limit, offset: query.offset });
  });

  router.post('/clusters', async (req, res) => {
    const actor = await authorize(req, gpuFleetClusterAttachPermission, deps);
    const request = parse(attachClusterRequestSchema, req.body);
    const attached = await registry.attach(request, actor);
    const body: AttachClusterResponse = demo.clusterCommand
      ? { ...attached, demoCluster: demo.clusterCommand }
      : attached;
    res.status(201).json(body);
  });

  router.get('/clusters/:name', async (req, res) => {
    const name = clusterNameParam(req);
    await authorize(req, gpuFleetClusterReadPermission, deps, name);
    res.json(await registry.get(name));
  });

  router.patch('/clusters/:name', async (req, res) => {
    const name = clusterNameParam(req);
    const actor = await authorize(
      req,
      gpuFleetClusterUpdatePermission,
      deps,
      name,
    );
    const request = parse(updateClusterRequestSchema, req.body);
    res.json(await registry.update(name, request, actor));
  });

  router.delete('/clusters/:name', async (req, res) => {
    const name = clusterNameParam(req);
    const actor = await authorize(
      req,
      gpuFleetClusterDetachPermission,
      deps,
      name,
    );
    res.json(await registry.detach(name, actor));
  });

  router.get('/clusters/:name/prerequisites', async (req, res) => {
    const name = clusterNameParam(req);
    await authorize(req, gpuFleetClusterReadPermission, deps, name);
    res.json({ checks: await registry.prerequisites(name) });
  });

  router.get('/clusters/:name/audit', async (req, res) => {
    const name = clusterNameParam(req);
    // The log names objects in every workspace's namespace, so it is for
    // those who may change the cluster, not everyone who may read it.
    await authorize(req, gpuFleetClusterUpdatePermission, deps, name);
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
