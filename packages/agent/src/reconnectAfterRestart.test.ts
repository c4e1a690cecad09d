import { TestDatabases } from '@backstage/backend-test-utils';
import { TestUserTokens } from '@gpu-fleet/plugin-gpu-fleet-node/testUtils';
import { simulatedCluster } from './__testUtils__/prerequisiteFixtures';
import {
  freePort,
  startBackendOnPort,
} from './__testUtils__/startBackendOnPort';
import { AgentConnection } from './AgentConnection';
import { KubeApiForwarder } from './KubeApiForwarder';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

async function until<T>(ask: () => Promise<T>, done: (value: T) => boolean) {
  for (;;) {
    const value = await ask();
    if (done(value)) return value;
    await new Promise(r => setTimeout(r, 100));
  }
}

describe.each(databases.eachSupportedId())(
  'an agent whose control plane restarts, on %s',
  databaseId => {
    it('dials again by itself and carries requests once the new backend is up', async () => {
      const knex = await databases.init(databaseId);
      const port = await freePort();
      const base = `http://localhost:${port}/api/gpu-fleet`;
      const cluster = await simulatedCluster('eks-p5');
      // Alice stays signed in across the restart: her token is still good.
      const tokens = await TestUserTokens.create();
      const user = {
        Authorization: `Bearer ${await tokens.token('user:default/alice')}`,
      };
      let backend = await startBackendOnPort(port, knex, tokens);
      const { token } = await fetch(`${base}/clusters`, {
        method: 'POST',
        headers: { ...user, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'eks-p5', provider: 'eks' }),
      }).then(r => r.json());

      const welcomes: Array<() => void> = [];
      const welcome = () => new Promise<void>(r => welcomes.push(r));
      const firstWelcome = welcome();
      const agent = new AgentConnection(
        {
          controlPlaneUrl: `ws://localhost:${port}/api/gpu-fleet/agent/connect`,
          clusterName: 'eks-p5',
          token,
        },
        KubeApiForwarder.fromEnvironment(cluster.kubeconfig),
        {
          agentVersion: '0.1.0',
          logger: { info: () => {}, warn: () => {} },
          // Small, so the test does not wait a minute between dials.
          initialBackoffMs: 50,
          maxBackoffMs: 250,
          onWelcome: () => welcomes.shift()?.(),
        },
      );
      const status = () =>
        fetch(`${base}/clusters/eks-p5`, { headers: user })
          .then(r => r.json())
          .then(c => c.status);
      try {
        agent.start();
        await firstWelcome;
        expect(await until(status, s => s === 'connected')).toBe('connected');

        const secondWelcome = welcome();
        await backend.stop();
        // The stopped backend recorded the agent as gone.
        expect(
          (await knex('gpu_fleet_clusters').where({ name: 'eks-p5' }).first())
            .status,
        ).toBe('disconnected');

        backend = await startBackendOnPort(port, knex, tokens);
        await secondWelcome;
        expect(await until(status, s => s === 'connected')).toBe('connected');
        const nodes = await fetch(
          `${base}/clusters/eks-p5/proxy/api/v1/nodes`,
          {
            headers: user,
          },
        );
        expect(nodes.status).toBe(200);
        expect(
          (await nodes.json()).items.map((n: any) => n.metadata.name),
        ).toEqual(
          cluster.sim.store.listObjects('v1', 'Node').map(n => n.metadata.name),
        );
      } finally {
        agent.stop();
        await backend.stop();
        await cluster.close();
      }
    });
  },
);
