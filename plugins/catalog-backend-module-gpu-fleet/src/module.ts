import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import {
  capacityServiceRef,
  clusterRegistryServiceRef,
  deploymentsServiceRef,
  workspacesServiceRef,
} from '@gpu-fleet/plugin-gpu-fleet-node';
import { FleetReader } from './FleetReader';
import { GpuFleetEntityProvider } from './GpuFleetEntityProvider';
import { PortalLinks } from './portalLinks';
import { readGpuFleetProviderConfig } from './providerConfig';

/** GPU Fleet's clusters, workspaces and deployments in the software catalog. */
export const catalogModuleGpuFleet = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'gpu-fleet',
  register(env) {
    env.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
        auth: coreServices.auth,
        events: eventsServiceRef,
        clusters: clusterRegistryServiceRef,
        workspaces: workspacesServiceRef,
        deployments: deploymentsServiceRef,
        capacity: capacityServiceRef,
      },
      async init(deps) {
        const settings = readGpuFleetProviderConfig(deps.config);
        deps.catalog.addEntityProvider(
          new GpuFleetEntityProvider({
            reader: new FleetReader({
              clusters: deps.clusters,
              workspaces: deps.workspaces,
              deployments: deps.deployments,
              capacity: deps.capacity,
              credentials: () => deps.auth.getOwnServiceCredentials(),
            }),
            options: {
              links: new PortalLinks(settings.portalUrl),
              clusterOwner: settings.clusterOwner,
            },
            events: deps.events,
            logger: deps.logger,
            taskRunner: deps.scheduler.createScheduledTaskRunner(
              settings.schedule,
            ),
          }),
        );
      },
    });
  },
});
