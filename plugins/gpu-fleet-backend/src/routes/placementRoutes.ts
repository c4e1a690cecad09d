import Router from 'express-promise-router';
import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  Cluster,
  ClusterInventoryResponse,
  gpuFleetWorkspaceKubeWritePermission,
  PlacementOptionsResponse,
  PlacementWorkspaceOption,
  Workspace,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { z } from 'zod';
import { InventoryService } from '../capacity/InventoryService';
import { placementOption } from '../capacity/placementOption';
import { ClusterRegistry } from '../registry/ClusterRegistry';
import { parse } from './requestContext';
import { RouteDeps } from './types';

const PAGE_SIZE = 500;

/**
 * Where the caller may deploy and what each place offers now: the
 * scaffolder's placement picker asks this before and after every choice.
 */
export function placementRoutes(
  registry: ClusterRegistry,
  inventory: InventoryService,
  deps: RouteDeps,
) {
  const { authorizer } = deps;
  const router = Router();

  /** The workspaces the policy lets the caller deploy into, filtered in the database. */
  async function deployable(
    credentials: BackstageCredentials,
  ): Promise<Workspace[]> {
    let filter;
    try {
      filter = await authorizer.workspaceFilter(
        credentials,
        gpuFleetWorkspaceKubeWritePermission,
      );
    } catch (error) {
      // Allowed nowhere: the answer is "no workspace", which the picker says.
      if (error instanceof NotAllowedError) return [];
      throw error;
    }
    const items: Workspace[] = [];
    for (let offset = 0; ; offset += PAGE_SIZE) {
      const page = await deps.workspaceStore.list({
        filter,
        limit: PAGE_SIZE,
        offset,
      });
      items.push(...page.items);
      if (page.items.length < PAGE_SIZE) return items;
    }
  }

  router.get('/placement-options', async (req, res) => {
    const credentials = await authorizer.credentials(req);
    parse(z.strictObject({}), req.query);
    const workspaces = await deployable(credentials);

    // Several workspaces may share a cluster: read each cluster once.
    const clusters = new Map<
      string,
      Promise<[Cluster, ClusterInventoryResponse]>
    >();
    const clusterFacts = (name: string) => {
      let facts = clusters.get(name);
      if (!facts) {
        facts = Promise.all([registry.get(name), inventory.inventory(name)]);
        clusters.set(name, facts);
      }
      return facts;
    };
    const facts = await Promise.all(
      workspaces.map(w => clusterFacts(w.cluster)),
    );
    const options: PlacementWorkspaceOption[] = [];
    workspaces.forEach((workspace, i) => {
      const [cluster, nodes] = facts[i];
      // Nothing is delivered to a detached cluster.
      if (cluster.detachedAt) return;
      options.push(
        placementOption(workspace, cluster, nodes, inventory.settings.prices),
      );
    });
    const body: PlacementOptionsResponse = {
      workspaces: options,
      currency: inventory.settings.currency,
      generatedAt: new Date().toISOString(),
    };
    res.json(body);
  });

  return router;
}
