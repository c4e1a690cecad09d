import express from 'express';
import Router from 'express-promise-router';
import { InputError } from '@backstage/errors';
import { AgentGateway } from '../gateway/AgentGateway';
import { ClusterTunnels } from '../gateway/ClusterTunnels';
import { InventoryService } from '../capacity/InventoryService';
import { InventoryStore } from '../capacity/InventoryStore';
import { KubectlEndpoint } from '../proxyTls/kubectlEndpoint';
import { DemoConfig } from '../demoConfig';
import { ClusterRegistry } from '../registry/ClusterRegistry';
import { capacityRoutes } from './capacityRoutes';
import { clusterRoutes } from './clusterRoutes';
import { kubeconfigRoutes } from './kubeconfigRoutes';
import { ProxyAccess } from '../proxyAccess/ProxyAccess';
import { WorkspaceLookup } from '../proxyAccess/WorkspaceLookup';
import { ClusterStore } from '../registry/ClusterStore';
import { WorkspaceService } from '../workspaces/WorkspaceService';
import { workspaceRoutes } from './workspaceRoutes';
import { deploymentRoutes, DeploymentStatusSource } from './deploymentRoutes';
import { DeploymentService } from '../deployments/DeploymentService';
import { placementRoutes } from './placementRoutes';
import { proxyRoutes } from './proxyRoutes';
import { replicaRoutes } from './replicaRoutes';
import { tokenRoutes } from './tokenRoutes';
import { RouteDeps } from './types';

export const MAX_BODY_BYTES = 64 * 1024;
/** How long the proxy may use a namespace's workspace read by another replica's change. */
const WORKSPACE_LOOKUP_TTL_MS = 2_000;

// body-parser's own errors would surface as 413/500 without naming a field.
function jsonBody(): express.RequestHandler {
  const parser = express.json({ limit: MAX_BODY_BYTES });
  return (req, res, next) =>
    parser(req, res, (error?: any) => {
      if (!error) return next();
      if (error.type === 'entity.too.large') {
        return next(
          new InputError(
            `(body): larger than the ${MAX_BODY_BYTES / 1024} KiB limit`,
          ),
        );
      }
      return next(new InputError(`(body): not valid JSON: ${error.message}`));
    });
}

/**
 * The Kubernetes proxy: one handler (and one authorisation cache) for the
 * main router and for the TLS listener kubectl may use instead.
 */
export function createProxyRouter(
  tunnels: Pick<ClusterTunnels, 'request'>,
  deps: RouteDeps & {
    /** gpuFleet.proxy.maxRequestBodyBytes */
    maxProxyBodyBytes: number;
    /** gpuFleet.proxy.authorizationCacheTtl */
    proxyAuthorizationCacheTtlMs: number;
    clusterStore: ClusterStore;
  },
) {
  return proxyRoutes(tunnels, deps, {
    maxBodyBytes: deps.maxProxyBodyBytes,
    access: new ProxyAccess(
      deps.authorizer,
      new WorkspaceLookup(
        deps.workspaceStore,
        Math.min(deps.proxyAuthorizationCacheTtlMs, WORKSPACE_LOOKUP_TTL_MS),
      ),
      deps.proxyAuthorizationCacheTtlMs,
    ),
    audit: (cluster, actor, action, details) =>
      deps.clusterStore.appendAudit(
        deps.clusterStore.db,
        { cluster, actor, action, details },
        new Date(),
      ),
  });
}

export function createRouter(
  registry: ClusterRegistry,
  gateway: AgentGateway,
  deps: RouteDeps & {
    /** From createProxyRouter. */
    proxy: express.Handler;
    kubectlEndpoint: () => Promise<KubectlEndpoint>;
    /** gpuFleet.proxy.maxRequestBodyBytes */
    maxProxyBodyBytes: number;
    capacity: {
      inventory: InventoryService;
      store: InventoryStore;
      historyIntervalMs: number;
    };
    workspaces: WorkspaceService;
    deployments: DeploymentService;
    deploymentStatus: DeploymentStatusSource;
    /** gpuFleet.demo */
    demo: DemoConfig;
  },
) {
  const router = Router();
  // Before the JSON parser: proxied bodies must reach the cluster untouched.
  router.use(deps.proxy);
  router.use(replicaRoutes(gateway, deps, deps.maxProxyBodyBytes));
  router.use(jsonBody());
  router.use(clusterRoutes(registry, deps, deps.demo));
  router.use(tokenRoutes(registry, deps));
  router.use(kubeconfigRoutes(registry, deps));
  router.use(workspaceRoutes(deps.workspaces, deps));
  router.use(deploymentRoutes(deps.deployments, deps));
  router.use(placementRoutes(registry, deps.capacity.inventory, deps));
  router.use(
    capacityRoutes(
      deps.capacity.inventory,
      deps.capacity.store,
      deps.capacity.historyIntervalMs,
      deps,
    ),
  );
  return router;
}
