import { TestDatabases } from '@backstage/backend-test-utils';
import {
  DeploymentStatusReport,
  ObservedDeployment,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import request from 'supertest';
import WebSocket from 'ws';
import { startFleetBackend } from '../__testUtils__/startFleetBackend';
import {
  connectTestAgent as connect,
  helloFrame as hello,
  TestAgent,
} from '../__testUtils__/testAgent';
import { DeploymentStatusStore } from '../deployments/DeploymentStatusStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const llama: ObservedDeployment = {
  namespace: 'ml-inference',
  name: 'llama-3-8b-chat',
  phase: 'Pending',
  summary:
    '1 of 1 pod Pending: 0/4 nodes are available: 4 Insufficient nvidia.com/gpu.',
  observedAt: '2026-12-02T10:00:00.000Z',
  replicas: { desired: 1, ready: 0, updated: 1, available: 0 },
  rollout: { complete: false, reason: 'ReplicaSetUpdated' },
  conditions: [],
  pods: [
    {
      name: 'llama-3-8b-chat-7d9f8b6c5-x2x4k',
      phase: 'Pending',
      ready: false,
      restarts: 0,
      reason: 'Unschedulable',
      message: '0/4 nodes are available: 4 Insufficient nvidia.com/gpu.',
    },
  ],
  events: [],
  objects: [
    { apiVersion: 'apps/v1', kind: 'Deployment', name: 'llama-3-8b-chat' },
  ],
};

function report(agent: TestAgent, body: DeploymentStatusReport | unknown) {
  agent.send({
    type: 'Report',
    streamId: 0,
    payload: { kind: 'status', body },
  });
}

/** Polls until the check passes: reports are applied after the frame arrives. */
async function eventually<T>(check: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await check();
    } catch (error) {
      if (attempt >= 100) throw error;
      await new Promise(r => setTimeout(r, 50));
    }
  }
}

describe.each(databases.eachSupportedId())(
  'deployment status reports on %s',
  databaseId => {
    async function start() {
      const knex = await databases.init(databaseId);
      const fleet = await startFleetBackend({
        knex,
        config: { backend: { baseUrl: 'http://localhost:7007' } },
      });
      const attached = await request(fleet.server)
        .post('/api/gpu-fleet/clusters')
        .set('Authorization', fleet.as.alice)
        .send({ name: 'eks-p5', provider: 'eks' });
      expect(attached.status).toBe(201);
      const agent = await connect(fleet.port, 'eks-p5', attached.body.token);
      agent.send(hello('eks-p5'));
      expect((await agent.nextFrame()).type).toBe('Welcome');
      return { agent, store: new DeploymentStatusStore(knex) };
    }

    it("stores a connected agent's snapshot and deltas", async () => {
      const { agent, store } = await start();
      report(agent, { snapshot: true, deployments: [llama], removed: [] });
      await eventually(async () =>
        expect(
          await store.get('eks-p5', 'ml-inference', 'llama-3-8b-chat'),
        ).toEqual(llama),
      );

      const running: ObservedDeployment = {
        ...llama,
        phase: 'Running',
        summary: '1/1 replicas ready',
        pods: [{ ...llama.pods[0], phase: 'Running', ready: true }],
      };
      const bert: ObservedDeployment = {
        ...llama,
        namespace: 'training',
        name: 'bert-pretrain',
        phase: 'Running',
        summary: 'MPIJob Running: launcher and 2 workers running',
      };
      report(agent, {
        snapshot: false,
        deployments: [running, bert],
        removed: [],
      });
      report(agent, {
        snapshot: false,
        deployments: [],
        removed: [{ namespace: 'ml-inference', name: 'llama-3-8b-chat' }],
      });
      await eventually(async () =>
        expect(await store.listForCluster('eks-p5')).toEqual([bert]),
      );
      expect(agent.ws.readyState).toBe(WebSocket.OPEN);
      agent.ws.close();
    });

    it('closes the session on a malformed report, naming the field, and keeps what was stored', async () => {
      const { agent, store } = await start();
      report(agent, { snapshot: true, deployments: [llama], removed: [] });
      await eventually(async () =>
        expect(await store.listForCluster('eks-p5')).toHaveLength(1),
      );

      report(agent, {
        snapshot: true,
        deployments: [{ ...llama, phase: 'Exploded' }],
        removed: [],
      });
      expect(await agent.closed).toEqual({
        code: 1008,
        reason:
          'frame.payload.body.deployments[0].phase: must be one of: Pending, Progressing, Running, Succeeded, Failed, Degraded',
      });
      expect(await store.listForCluster('eks-p5')).toEqual([llama]);
    });
  },
);
