import {
  coreServices,
  createBackendPlugin,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { gpuFleetPermissions } from '@gpu-fleet/plugin-gpu-fleet-common';
import {
  clusterPermissionResourceRef,
  clusterPermissionRules,
  workspacePermissionResourceRef,
  workspacePermissionRules,
} from '@gpu-fleet/plugin-gpu-fleet-node';
import Router from 'express-promise-router';
import crypto from 'node:crypto';
import { readCapacityConfig } from './capacity/capacityConfig';
import { sampleCapacity } from './capacity/capacityHistory';
import { InventoryService } from './capacity/InventoryService';
import { InventoryStore } from './capacity/InventoryStore';
import { AgentGateway } from './gateway/AgentGateway';
import { DeploymentStatusStore } from './deployments/DeploymentStatusStore';
import { RegistryEventPublisher } from './events/RegistryEventPublisher';
import { agentUpgradeRoute } from './gateway/agentUpgradeRoute';
import { ClusterTunnels } from './gateway/ClusterTunnels';
import { ReplicaClient } from './gateway/ReplicaClient';
import { SessionDirectory } from './gateway/SessionDirectory';
import { DEFAULT_TUNNEL_LIMITS } from './gateway/tunnelLimits';
import { startKubectlEndpoint } from './proxyTls/kubectlEndpoint';
import { readProxyTlsConfig } from './proxyTls/proxyTlsConfig';
import { ClusterRegistry } from './registry/ClusterRegistry';
import { ClusterStore } from './registry/ClusterStore';
import { readRegistryConfig } from './registryConfig';
import { readDemoConfig } from './demoConfig';
import { readAuthorizationCacheTtlMs } from './routes/proxyAuthorization';
import { readMaxProxyBodyBytes } from './routes/requestBodies';
import { createProxyRouter, createRouter } from './routes/router';
import { FleetAuthorizer } from './permissions/FleetAuthorizer';
import { DeploymentService } from './deployments/DeploymentService';
import { DeploymentStore } from './deployments/DeploymentStore';
import { GitOpsRepository } from './deployments/GitOpsRepository';
import { readGitOpsConfig } from './deployments/gitopsConfig';
import { WorkspaceKube } from './workspaces/workspaceKube';
import { WorkspaceService } from './workspaces/WorkspaceService';
import { WorkspaceStore } from './workspaces/WorkspaceStore';

const migrationsDir = resolvePackagePath(
  '@gpu-fleet/plugin-gpu-fleet-backend',
  'migrations',
);

/** GPU Fleet's control plane: cluster registry, REST API, agent gateway. */
export const gpuFleetPlugin = createBackendPlugin({
  pluginId: 'gpu-fleet',
  register(env) {
    env.registerInit({
      deps: {
        auth: coreServices.auth,
        config: coreServices.rootConfig,
        database: coreServices.database,
        discovery: coreServices.discovery,
        events: eventsServiceRef,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        lifecycle: coreServices.lifecycle,
        logger: coreServices.logger,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        scheduler: coreServices.scheduler,
      },
      async init(deps) {
        const knex = await deps.database.getClient();
        if (!deps.database.migrations?.skip) {
          await knex.migrate.latest({ directory: migrationsDir });
        }
        const settings = readRegistryConfig(deps.config);
        const clusterStore = new ClusterStore(knex);
        const registry = new ClusterRegistry(
          clusterStore,
          settings.install,
          settings.tokenLifetimeMs,
        );
        // Other plugins (the catalog) hear of every stored change.
        const changes = new RegistryEventPublisher(deps.events, deps.logger);
        registry.onChanged(change => changes.changed(change));
        const workspaceStore = new WorkspaceStore(knex);

        // Clusters and workspaces are resource types: a policy's conditions
        // on them are applied here, and filter lists in the database.
        const clusterResource = async (name: string) => {
          const cluster = await clusterStore.getCluster(name);
          return cluster
            ? { cluster, workspaces: await workspaceStore.listOnCluster(name) }
            : undefined;
        };
        deps.permissionsRegistry.addResourceType({
          resourceRef: workspacePermissionResourceRef,
          permissions: gpuFleetPermissions.filter(
            p =>
              p.type === 'resource' &&
              p.resourceType === workspacePermissionResourceRef.resourceType,
          ),
          rules: Object.values(workspacePermissionRules),
          getResources: names =>
            Promise.all(names.map(name => workspaceStore.get(name))),
        });
        deps.permissionsRegistry.addResourceType({
          resourceRef: clusterPermissionResourceRef,
          permissions: gpuFleetPermissions.filter(
            p =>
              p.type === 'resource' &&
              p.resourceType === clusterPermissionResourceRef.resourceType,
          ),
          rules: Object.values(clusterPermissionRules),
          getResources: names => Promise.all(names.map(clusterResource)),
        });
        deps.permissionsRegistry.addPermissions(
          gpuFleetPermissions.filter(p => p.type === 'basic'),
        );
        const authorizer = new FleetAuthorizer(
          deps,
          {
            workspace: deps.permissionsRegistry.getPermissionRuleset(
              workspacePermissionResourceRef,
            ),
            cluster: deps.permissionsRegistry.getPermissionRuleset(
              clusterPermissionResourceRef,
            ),
          },
          clusterResource,
        );

        const capacityConfig = readCapacityConfig(deps.config);
        const inventoryStore = new InventoryStore(knex);
        const inventory = new InventoryService(
          inventoryStore,
          registry,
          capacityConfig,
          deps.logger,
        );
        await inventory.load();
        await deps.scheduler.scheduleTask({
          id: 'gpu-fleet-capacity-history',
          frequency: { milliseconds: capacityConfig.historyIntervalMs },
          timeout: { minutes: 5 },
          initialDelay: { seconds: 10 },
          fn: () =>
            sampleCapacity(inventory, inventoryStore, {
              retentionMs: capacityConfig.historyRetentionMs,
            }),
        });

        const baseUrl = await deps.discovery.getBaseUrl('gpu-fleet');
        const deploymentStatusStore = new DeploymentStatusStore(knex);
        const gateway = new AgentGateway(
          registry,
          DEFAULT_TUNNEL_LIMITS,
          deps.logger,
          `${new URL(baseUrl).pathname}/agent/connect`,
          { statusSink: deploymentStatusStore },
        );

        // Each replica records the sessions it holds, so the others can reach them.
        const tunnels = new ClusterTunnels(
          gateway,
          new SessionDirectory(knex),
          new ReplicaClient(deps.auth),
          {
            replicaId: crypto.randomUUID(),
            url:
              deps.config.getOptionalString('gpuFleet.gateway.replicaUrl') ??
              baseUrl,
          },
          registry,
          deps.logger,
        );
        gateway.setInventorySink(inventory);
        gateway.setSessionHooks({
          opened: name => tunnels.sessionOpened(name),
          closed: name => tunnels.sessionClosed(name),
        });

        // Agents authenticate with their cluster token, not a Backstage identity.
        deps.httpRouter.addAuthPolicy({
          path: '/agent',
          allow: 'unauthenticated',
        });
        // The proxy authenticates and authorises each request itself, through
        // ProxyAuthorizationCache: the router's own check would verify
        // kubectl's token again on every request.
        deps.httpRouter.addAuthPolicy({
          path: '/clusters/:name/proxy',
          allow: 'unauthenticated',
        });
        const agentRouter = Router();
        agentRouter.use(agentUpgradeRoute(gateway));
        deps.httpRouter.use(agentRouter);
        const maxProxyBodyBytes = readMaxProxyBodyBytes(deps.config);
        const proxy = createProxyRouter(tunnels, {
          ...deps,
          authorizer,
          workspaceStore,
          clusterStore,
          maxProxyBodyBytes,
          proxyAuthorizationCacheTtlMs: readAuthorizationCacheTtlMs(
            deps.config,
          ),
        });

        const kubectl = await startKubectlEndpoint({
          config: readProxyTlsConfig(deps.config),
          proxy,
          basePath: new URL(baseUrl).pathname,
          externalBaseUrl: () => deps.discovery.getExternalBaseUrl('gpu-fleet'),
          logger: deps.logger,
        });

        const workspaceKube = new WorkspaceKube(tunnels);
        const workspaces = new WorkspaceService(
          workspaceStore,
          registry,
          clusterStore,
          workspaceKube,
          changes,
        );
        const gitops = readGitOpsConfig(deps.config);
        const deployments = new DeploymentService({
          store: new DeploymentStore(knex),
          repo: await GitOpsRepository.open(gitops, deps.logger),
          workspaces,
          registry,
          inventory,
          kube: workspaceKube,
          logger: deps.logger,
          changes,
          argoRepoUrl: gitops.argoRepoUrl,
        });
        // Deliveries a stopped backend left unfinished, and ones a cluster
        // was offline for, are picked up again.
        await deps.scheduler.scheduleTask({
          id: 'gpu-fleet-deployment-delivery',
          frequency: { seconds: 15 },
          timeout: { minutes: 10 },
          initialDelay: { seconds: 1 },
          scope: 'local',
          fn: () => deployments.resumeUnfinished(),
        });

        deps.httpRouter.use(
          createRouter(registry, gateway, {
            ...deps,
            authorizer,
            workspaceStore,
            workspaces,
            deployments,
            deploymentStatus: async record =>
              (await deploymentStatusStore.get(
                record.cluster,
                record.namespace,
                record.name,
              )) ?? null,
            proxy,
            demo: readDemoConfig(deps.config),
            kubectlEndpoint: kubectl.endpoint,
            maxProxyBodyBytes,
            capacity: {
              inventory,
              store: inventoryStore,
              historyIntervalMs: capacityConfig.historyIntervalMs,
            },
          }),
        );

        deps.lifecycle.addShutdownHook(async () => {
          await kubectl.close();
          await gateway.close();
          await tunnels.shutdown();
        });
      },
    });
  },
});
