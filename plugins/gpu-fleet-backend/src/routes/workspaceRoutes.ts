import Router from 'express-promise-router';
import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  createWorkspaceRequestSchema,
  gpuFleetWorkspaceCreatePermission,
  gpuFleetWorkspaceDeletePermission,
  gpuFleetWorkspaceKubeAdminPermission,
  gpuFleetWorkspaceKubeWritePermission,
  gpuFleetWorkspaceReadPermission,
  gpuFleetWorkspaceUpdatePermission,
  listWorkspacesQuerySchema,
  updateWorkspaceRequestSchema,
  Workspace,
  WorkspaceView,
  workspaceNameSchema,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { Request } from 'express';
import { actorOf } from '../permissions/FleetAuthorizer';
import { WorkspaceService } from '../workspaces/WorkspaceService';
import { authorizeCredentials, parse } from './requestContext';
import { RouteDeps } from './types';

function workspaceNameParam(req: Request): string {
  const result = workspaceNameSchema.safeParse(req.params.name);
  if (!result.success) {
    throw new InputError(
      `name: ${result.error.issues[0]?.message ?? 'invalid workspace name'}`,
    );
  }
  return result.data;
}

export function workspaceRoutes(workspaces: WorkspaceService, deps: RouteDeps) {
  const { authorizer } = deps;
  const router = Router();

  /** Each workspace with what this caller may do there: one decision per permission. */
  async function views(
    credentials: BackstageCredentials,
    items: Workspace[],
  ): Promise<WorkspaceView[]> {
    const [deploy, administer, update, remove] = await Promise.all(
      [
        gpuFleetWorkspaceKubeWritePermission,
        gpuFleetWorkspaceKubeAdminPermission,
        gpuFleetWorkspaceUpdatePermission,
        gpuFleetWorkspaceDeletePermission,
      ].map(p => authorizer.decide(credentials, p)),
    );
    return items.map(workspace => ({
      ...workspace,
      access: {
        read: true,
        deploy: authorizer.allowsWorkspace(deploy, workspace),
        administer:
          authorizer.allowsWorkspace(administer, workspace) &&
          authorizer.allowsWorkspace(update, workspace),
        delete: authorizer.allowsWorkspace(remove, workspace),
      },
    }));
  }

  async function load(req: Request): Promise<Workspace> {
    const name = workspaceNameParam(req);
    const workspace = await workspaces.find(name);
    if (!workspace) throw new NotFoundError(`workspace '${name}' not found`);
    return workspace;
  }

  router.get('/workspaces', async (req, res) => {
    const credentials = await authorizer.credentials(req);
    const filter = await authorizer.workspaceFilter(
      credentials,
      gpuFleetWorkspaceReadPermission,
    );
    const query = parse(listWorkspacesQuerySchema, req.query);
    const page = await deps.workspaceStore.list({ ...query, filter });
    res.json({
      items: await views(credentials, page.items),
      totalCount: page.totalCount,
      limit: query.limit,
      offset: query.offset,
    });
  });

  router.post('/workspaces', async (req, res) => {
    const credentials = await authorizeCredentials(
      req,
      gpuFleetWorkspaceCreatePermission,
      deps,
    );
    const request = parse(createWorkspaceRequestSchema, req.body);
    const created = await workspaces.create(request, actorOf(credentials));
    res.status(201).json((await views(credentials, [created]))[0]);
  });

  router.get('/workspaces/:name', async (req, res) => {
    const workspace = await load(req);
    const credentials = await authorizer.requireWorkspace(
      req,
      gpuFleetWorkspaceReadPermission,
      workspace,
    );
    res.json((await views(credentials, [workspace]))[0]);
  });

  router.patch('/workspaces/:name', async (req, res) => {
    const workspace = await load(req);
    const credentials = await authorizer.requireWorkspace(
      req,
      gpuFleetWorkspaceUpdatePermission,
      workspace,
    );
    const request = parse(updateWorkspaceRequestSchema, req.body);
    const updated = await workspaces.update(
      workspace.name,
      request,
      actorOf(credentials),
    );
    res.json((await views(credentials, [updated]))[0]);
  });

  router.delete('/workspaces/:name', async (req, res) => {
    const workspace = await load(req);
    const credentials = await authorizer.requireWorkspace(
      req,
      gpuFleetWorkspaceDeletePermission,
      workspace,
    );
    await workspaces.delete(workspace.name, actorOf(credentials));
    res.status(204).end();
  });

  router.get('/workspaces/:name/namespace', async (req, res) => {
    const workspace = await load(req);
    await authorizer.requireWorkspace(
      req,
      gpuFleetWorkspaceReadPermission,
      workspace,
    );
    res.json(await workspaces.namespaceState(workspace.name));
  });

  return router;
}
