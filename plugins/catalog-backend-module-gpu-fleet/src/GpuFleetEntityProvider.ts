import {
  LoggerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import {
  DeferredEntity,
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import { EventsService } from '@backstage/plugin-events-node';
import {
  GPU_FLEET_REGISTRY_TOPIC,
  GpuFleetRegistryEvent,
  parseRegistryEvent,
} from '@gpu-fleet/plugin-gpu-fleet-node';
import { FleetEntityOptions, fleetEntities } from './fleetEntities';
import { FleetReader } from './FleetReader';

const PROVIDER_NAME = 'gpu-fleet';
// Marks the entities as this provider's: another source cannot take them over.
const LOCATION_KEY = `${PROVIDER_NAME}-provider`;

function describeEvent(event: GpuFleetRegistryEvent): string {
  const name =
    event.kind === 'deployment'
      ? `${event.workspace}/${event.name}`
      : event.name;
  return `${event.kind} ${event.action} '${name}'`;
}

/**
 * Emits GPU Fleet's clusters and workspaces as Resources and its deployments
 * as Components: all of them on a schedule, and what one change touches as
 * soon as the gpu-fleet backend announces it. Reads and mutations run one at
 * a time, in the order they were asked for, so a late read never undoes a
 * newer one.
 */
export class GpuFleetEntityProvider implements EntityProvider {
  private connection?: EntityProviderConnection;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly deps: {
      reader: FleetReader;
      options: FleetEntityOptions;
      events: EventsService;
      logger: LoggerService;
      taskRunner: SchedulerServiceTaskRunner;
    },
  ) {}

  getProviderName(): string {
    return PROVIDER_NAME;
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    await this.deps.events.subscribe({
      id: `${PROVIDER_NAME}-entity-provider`,
      topics: [GPU_FLEET_REGISTRY_TOPIC],
      onEvent: async ({ eventPayload }) => {
        const event = parseRegistryEvent(eventPayload);
        if (!event) {
          this.deps.logger.warn(
            `ignored an event on ${GPU_FLEET_REGISTRY_TOPIC} that is not a registry change`,
          );
          return;
        }
        await this.applyChange(event).catch(error =>
          // The next full refresh repairs what this one missed.
          this.deps.logger.warn(
            `could not update the catalog for ${describeEvent(event)}: ${
              (error as Error).message
            }`,
          ),
        );
      },
    });
    await this.deps.taskRunner.run({
      id: `${PROVIDER_NAME}-entity-provider:refresh`,
      fn: () => this.refresh(),
    });
  }

  /** Reads the whole fleet and replaces every entity this provider emitted. */
  refresh(): Promise<void> {
    return this.serially(async connection => {
      const { snapshot } = await this.deps.reader.all();
      const { entities } = fleetEntities(snapshot, this.deps.options);
      await connection.applyMutation({
        type: 'full',
        entities: entities.map(deferred),
      });
      this.deps.logger.info(
        `read ${snapshot.clusters.length} clusters, ${snapshot.workspaces.length} workspaces and ${snapshot.deployments.length} deployments; emitted ${entities.length} entities`,
      );
    });
  }

  /** Adds, replaces or removes the entities one change touches. */
  applyChange(event: GpuFleetRegistryEvent): Promise<void> {
    return this.serially(async connection => {
      const { snapshot, missing } = await this.deps.reader.changed(event);
      const { entities, absent } = fleetEntities(snapshot, this.deps.options);
      await connection.applyMutation({
        type: 'delta',
        added: entities.map(deferred),
        removed: [...absent, ...missing].map(entityRef => ({
          entityRef,
          locationKey: LOCATION_KEY,
        })),
      });
    });
  }

  private serially(
    work: (connection: EntityProviderConnection) => Promise<void>,
  ): Promise<void> {
    const run = this.queue.then(() => {
      if (!this.connection) {
        throw new Error(`${PROVIDER_NAME} entity provider is not connected`);
      }
      return work(this.connection);
    });
    this.queue = run.catch(() => undefined);
    return run;
  }
}

function deferred(entity: Entity): DeferredEntity {
  return { entity, locationKey: LOCATION_KEY };
}
