import Router from 'express-promise-router';
import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  clusterNameSchema,
  DeploymentRecord,
  DeploymentView,
  deploymentManifestSchema,
  gpuFleetWorkspaceKubeWritePermission,
  gpuFleetWorkspaceReadPermission,
  ObservedDeployment,
  Workspace,
  workspaceNameSchema,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { Request, Response } from 'express';
import { z } from 'zod';
import { DeploymentService } from '../deployments/DeploymentService';
import { RequirementsError } from '../deployments/RequirementsError';
import { actorOf } from '../permissions/FleetAuthorizer';
import { parse } from './requestContext';
import { RouteDeps } from './types';

/** What a cluster last reported about a deployment, if anything. */
export type DeploymentStatusSource = (
  record: DeploymentRecord,
) => Promise<ObservedDeployment | null>;

const listQuerySchema = z.strictObject({
  workspace: workspaceNameSchema.optional(),
  cluster: clusterNameSchema.optional(),
});
const retargetSchema = z.strictObject({ cluster: clusterNameSchema });
const requirementsQuerySchema = z.strictObject({ cluster: clusterNameSchema });

function param(req: Request, name: string, schema: z.ZodType<string>) {
  const result = schema.safeParse(req.params[name]);
  if (!result.success) {
    throw new InputError(
      `${name}: ${result.error.issues[0]?.message ?? 'invalid'}`,
    );
  }
  return result.data;
}

/** Answers a refused change with every unmet requirement, for the retarget dialog. */
async function orUnmet(res: Response, work: () => Promise<unknown>) {
  try {
    return await work();
  } catch (error) {
    if (error instanceof RequirementsError) {
      res.status(409).json({
        error: { name: error.name, message: error.message },
        cluster: error.cluster,
        unmet: error.unmet,
      });
      return undefined;
    }
    throw error;
  }
}

export function deploymentRoutes(
  deployments: DeploymentService,
  deps: RouteDeps & { deploymentStatus: DeploymentStatusSource },
) {
  const { authorizer } = deps;
  const router = Router();

  async function workspaceNamed(
    name: string,
    field: string,
  ): Promise<Workspace> {
    const workspace = await deps.workspaceStore.get(name);
    if (!workspace) {
      throw new NotFoundError(`${field}: workspace '${name}' not found`);
    }
    return workspace;
  }

  async function views(
    credentials: BackstageCredentials,
    records: DeploymentRecord[],
    workspaces: Map<string, Workspace>,
  ): Promise<DeploymentView[]> {
    const deploy = await authorizer.decide(
      credentials,
      gpuFleetWorkspaceKubeWritePermission,
    );
    return Promise.all(
      records.map(async record => {
        const workspace = workspaces.get(record.workspace);
        const allowed = workspace
          ? authorizer.allowsWorkspace(deploy, workspace)
          : false;
        return {
          ...record,
          status: await deps.deploymentStatus(record),
          access: { update: allowed, delete: allowed },
        };
      }),
    );
  }

  /** The deployment named in the path, once the caller may do `permission` in its workspace. */
  async function load(req: Request, write: boolean) {
    const workspace = await workspaceNamed(
      param(req, 'workspace', workspaceNameSchema),
      'workspace',
    );
    const name = param(req, 'name', clusterNameSchema);
    const credentials = await authorizer.requireWorkspace(
      req,
      write
        ? gpuFleetWorkspaceKubeWritePermission
        : gpuFleetWorkspaceReadPermission,
      workspace,
    );
    const key = { workspace: workspace.name, name };
    return { workspace, key, credentials };
  }

  async function view(
    credentials: BackstageCredentials,
    record: DeploymentRecord,
    workspace: Workspace,
  ) {
    const [one] = await views(
      credentials,
      [record],
      new Map([[workspace.name, workspace]]),
    );
    return one;
  }

  router.get('/deployments', async (req, res) => {
    const credentials = await authorizer.credentials(req);
    const query = parse(listQuerySchema, req.query);
    const filter = await authorizer.workspaceFilter(
      credentials,
      gpuFleetWorkspaceReadPermission,
    );
    const readable = await deps.workspaceStore.list({
      filter,
      limit: 100_000,
      offset: 0,
    });
    const workspaces = new Map(readable.items.map(w => [w.name, w]));
    const names = query.workspace
      ? [query.workspace].filter(w => workspaces.has(w))
      : [...workspaces.keys()];
    const records = await deployments.list({
      workspaces: names,
      cluster: query.cluster,
    });
    res.json({ items: await views(credentials, records, workspaces) });
  });

  router.post('/deployments/preview', async (req, res) => {
    const manifest = parse(deploymentManifestSchema, req.body);
    const workspace = await workspaceNamed(manifest.workspace, 'workspace');
    await authorizer.requireWorkspace(
      req,
      gpuFleetWorkspaceReadPermission,
      workspace,
    );
    res.json(await deployments.preview(manifest));
  });

  router.post('/deployments', async (req, res) => {
    const manifest = parse(deploymentManifestSchema, req.body);
    const workspace = await workspaceNamed(manifest.workspace, 'workspace');
    const credentials = await authorizer.requireWorkspace(
      req,
      gpuFleetWorkspaceKubeWritePermission,
      workspace,
    );
    await orUnmet(res, async () => {
      const record = await deployments.create(manifest, actorOf(credentials));
      res.status(201).json(await view(credentials, record, workspace));
    });
  });

  router.get('/workspaces/:workspace/deployments/:name', async (req, res) => {
    const { workspace, key, credentials } = await load(req, false);
    res.json(await view(credentials, await deployments.get(key), workspace));
  });

  router.put('/workspaces/:workspace/deployments/:name', async (req, res) => {
    const { workspace, key, credentials } = await load(req, true);
    const manifest = parse(deploymentManifestSchema, req.body);
    await orUnmet(res, async () => {
      const record = await deployments.update(
        key,
        manifest,
        actorOf(credentials),
      );
      res.json(await view(credentials, record, workspace));
    });
  });

  router.get(
    '/workspaces/:workspace/deployments/:name/requirements',
    async (req, res) => {
      const { key } = await load(req, false);
      const { cluster } = parse(requirementsQuerySchema, req.query);
      res.json(await deployments.requirements(key, cluster));
    },
  );

  router.post(
    '/workspaces/:workspace/deployments/:name/retarget',
    async (req, res) => {
      const { workspace, key, credentials } = await load(req, true);
      const { cluster } = parse(retargetSchema, req.body);
      await orUnmet(res, async () => {
        const record = await deployments.retarget(
          key,
          cluster,
          actorOf(credentials),
        );
        res.json(await view(credentials, record, workspace));
      });
    },
  );

  router.delete(
    '/workspaces/:workspace/deployments/:name',
    async (req, res) => {
      const { workspace, key, credentials } = await load(req, true);
      const left = await deployments.delete(key, actorOf(credentials));
      if (left) res.status(202).json(await view(credentials, left, workspace));
      else res.status(204).end();
    },
  );

  router.get(
    '/workspaces/:workspace/deployments/:name/revisions',
    async (req, res) => {
      const { key } = await load(req, false);
      res.json({ items: await deployments.revisions(key) });
    },
  );

  router.get(
    '/workspaces/:workspace/deployments/:name/revisions/:revision/diff',
    async (req, res) => {
      const { key } = await load(req, false);
      const revision = Number(req.params.revision);
      if (!Number.isInteger(revision) || revision < 1) {
        throw new InputError('revision: must be a whole number from 1');
      }
      res.json(await deployments.diff(key, revision));
    },
  );

  return router;
}
