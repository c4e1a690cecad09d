import { LoggerService } from '@backstage/backend-plugin-api';
import { EventsService } from '@backstage/plugin-events-node';
import {
  GPU_FLEET_REGISTRY_TOPIC,
  GpuFleetRegistryEvent,
} from '@gpu-fleet/plugin-gpu-fleet-node';

/** Where the registry, workspaces and deployments report a change once it is stored. */
export interface RegistryChanges {
  changed(event: GpuFleetRegistryEvent): void;
}

/** For parts built without a publisher (tests, benchmarks). */
export const IGNORED_CHANGES: RegistryChanges = { changed() {} };

/**
 * Publishes each change on GPU_FLEET_REGISTRY_TOPIC without making the
 * caller wait: the change is already stored, subscribers (the catalog) may
 * take their time, and a failure to publish is logged, never thrown into
 * the request that made the change. Subscribers that miss an event catch
 * up on their next full read.
 */
export class RegistryEventPublisher implements RegistryChanges {
  constructor(
    private readonly events: EventsService,
    private readonly logger: LoggerService,
  ) {}

  changed(event: GpuFleetRegistryEvent): void {
    let published: Promise<void>;
    try {
      published = this.events.publish({
        topic: GPU_FLEET_REGISTRY_TOPIC,
        eventPayload: event,
      });
    } catch (error) {
      published = Promise.reject(error);
    }
    published.catch(error =>
      this.logger.warn(
        `could not publish ${event.kind} ${event.action} of '${
          event.kind === 'deployment'
            ? `${event.workspace}/${event.name}`
            : event.name
        }' on ${GPU_FLEET_REGISTRY_TOPIC}: ${(error as Error).message}`,
      ),
    );
  }
}
