import { createServiceFactory } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import {
  EventParams,
  EventsService,
  eventsServiceRef,
} from '@backstage/plugin-events-node';
import {
  GPU_FLEET_REGISTRY_TOPIC,
  GpuFleetRegistryEvent,
} from '@gpu-fleet/plugin-gpu-fleet-node';
import request from 'supertest';
import { startFleetBackend } from '../__testUtils__/startFleetBackend';
import { connectTestAgent, helloFrame } from '../__testUtils__/testAgent';
import { RegistryEventPublisher } from './RegistryEventPublisher';

jest.setTimeout(60_000);

/** Every event the backend publishes; `next(n)` resolves once n have come. */
class RecordingEvents implements EventsService {
  readonly published: EventParams[] = [];
  private waiters: Array<() => void> = [];

  constructor(private readonly failWith?: Error) {}

  async publish(params: EventParams) {
    this.published.push(params);
    this.waiters.forEach(wake => wake());
    if (this.failWith) throw this.failWith;
  }

  async subscribe() {}

  async payloads(count: number): Promise<GpuFleetRegistryEvent[]> {
    while (this.published.length < count) {
      await new Promise<void>(resolve => this.waiters.push(resolve));
    }
    return this.published.map(p => p.eventPayload as GpuFleetRegistryEvent);
  }
}

const eventsFactory = (events: EventsService) =>
  createServiceFactory({
    service: eventsServiceRef,
    deps: {},
    factory: () => events,
  });

describe('RegistryEventPublisher', () => {
  it('publishes a change on the registry topic', async () => {
    const events = new RecordingEvents();
    new RegistryEventPublisher(events, mockServices.logger.mock()).changed({
      kind: 'workspace',
      name: 'ml-inference',
      action: 'created',
    });
    await events.payloads(1);
    expect(events.published).toEqual([
      {
        topic: GPU_FLEET_REGISTRY_TOPIC,
        eventPayload: {
          kind: 'workspace',
          name: 'ml-inference',
          action: 'created',
        },
      },
    ]);
  });

  it('logs a publish that fails or throws, and never throws itself', async () => {
    const logger = mockServices.logger.mock();
    const rejecting = new RegistryEventPublisher(
      new RecordingEvents(new Error('events backend gone')),
      logger,
    );
    const throwing = new RegistryEventPublisher(
      {
        publish: () => {
          throw new Error('shutting down');
        },
        subscribe: async () => {},
      },
      logger,
    );
    const change = {
      kind: 'deployment',
      workspace: 'ml-inference',
      name: 'llama',
      action: 'deleted',
    } as const;
    expect(() => rejecting.changed(change)).not.toThrow();
    expect(() => throwing.changed(change)).not.toThrow();
    await new Promise(setImmediate);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(
        "deployment deleted of 'ml-inference/llama' on gpu-fleet.registry: events backend gone",
      ),
    );
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('shutting down'),
    );
  });

  it('announces attach, change, the agent connecting and leaving, and detach, in that order', async () => {
    const events = new RecordingEvents();
    const fleet = await startFleetBackend({
      config: { backend: { baseUrl: 'http://localhost:7007' } },
      features: [eventsFactory(events)],
    });
    const api = request
      .agent(fleet.server)
      .set('Authorization', fleet.as.alice);
    const attached = await api
      .post('/api/gpu-fleet/clusters')
      .send({ name: 'eks-p5', provider: 'eks' });
    expect(attached.status).toBe(201);
    expect(
      (
        await api
          .patch('/api/gpu-fleet/clusters/eks-p5')
          .send({ displayName: 'EKS p5' })
      ).status,
    ).toBe(200);

    const agent = await connectTestAgent(
      fleet.port,
      'eks-p5',
      attached.body.token,
    );
    agent.send(helloFrame('eks-p5'));
    await agent.nextFrame();
    await events.payloads(3);
    agent.ws.close();
    await agent.closed;
    await events.payloads(4);
    expect((await api.delete('/api/gpu-fleet/clusters/eks-p5')).status).toBe(
      200,
    );

    expect(await events.payloads(5)).toEqual(
      ['attached', 'updated', 'status', 'status', 'detached'].map(action => ({
        kind: 'cluster',
        name: 'eks-p5',
        action,
      })),
    );
    await fleet.backend.stop();
  });

  it('answers the request when publishing fails', async () => {
    const events = new RecordingEvents(new Error('events backend gone'));
    const fleet = await startFleetBackend({
      config: { backend: { baseUrl: 'http://localhost:7007' } },
      features: [eventsFactory(events)],
    });
    const api = request
      .agent(fleet.server)
      .set('Authorization', fleet.as.alice);
    const attached = await api
      .post('/api/gpu-fleet/clusters')
      .send({ name: 'eks-p5', provider: 'eks' });
    expect(attached.status).toBe(201);
    expect((await api.delete('/api/gpu-fleet/clusters/eks-p5')).status).toBe(
      200,
    );
    expect(await events.payloads(2)).toHaveLength(2);
    await fleet.backend.stop();
  });
});
