import { prerequisiteChecks } from '@gpu-fleet/plugin-gpu-fleet-common';
import { simulatedCluster } from './__testUtils__/prerequisiteFixtures';
import { startControlPlaneWithAgent } from './__testUtils__/startControlPlaneWithAgent';
import { KubeApiForwarder } from './KubeApiForwarder';
import { PrerequisiteChecker } from './prerequisites/PrerequisiteChecker';
import { DEFAULT_PREREQUISITE_SETTINGS } from './prerequisites/prerequisiteSettings';

jest.setTimeout(60_000);

/** Asks again until the answer satisfies `done`; the test's own timeout bounds it. */
async function until<T>(ask: () => Promise<T>, done: (value: T) => boolean) {
  for (;;) {
    const value = await ask();
    if (done(value)) return value;
    await new Promise(r => setTimeout(r, 100));
  }
}

describe('prerequisite reports from a real agent', () => {
  it('shows the agent’s results on the cluster page and follows changes in the cluster', async () => {
    const cluster = await simulatedCluster('lambda-h200');
    const checker = new PrerequisiteChecker(
      KubeApiForwarder.fromEnvironment(cluster.kubeconfig),
      { ...DEFAULT_PREREQUISITE_SETTINGS, probeNetwork: false },
    );
    const { base, user, agent } = await startControlPlaneWithAgent({
      clusterName: 'lambda-h200',
      provider: 'lambda',
      kubeconfig: cluster.kubeconfig,
      agentOptions: {
        prerequisites: { run: () => checker.run(), intervalMs: 300 },
      },
    });
    const prerequisites = () =>
      fetch(`${base}/clusters/lambda-h200/prerequisites`, {
        headers: user,
      }).then(async r => {
        const checks: any[] = (await r.json()).checks;
        return Object.fromEntries(checks.map(c => [c.id, c])) as Record<
          string,
          any
        >;
      });
    try {
      const first = await until(prerequisites, checks =>
        Object.values(checks).every(c => c.checkedAt !== null),
      );
      expect(first['kubernetes-version']).toMatchObject({
        status: 'pass',
        details: { gitVersion: 'v1.30.4' },
      });
      // Lambda's GPU Feature Discovery names the GPU but no label names the pool.
      expect(first['node-labels']).toMatchObject({
        status: 'fail',
        message: 'of 2 GPU nodes, 2 without a node-pool label',
        advice: prerequisiteChecks['node-labels'].advice,
        details: { withoutNodePool: ['h200-node-0', 'h200-node-1'] },
      });
      expect(first['registry-egress'].status).toBe('unknown');

      // The platform engineer follows the advice; the next periodic report says so.
      for (const name of ['h200-node-0', 'h200-node-1']) {
        cluster.sim.store.patchObject('v1', 'Node', name, undefined, {
          metadata: { labels: { 'gpu-fleet.io/nodepool': 'h200' } },
        });
      }
      const fixed = await until(
        prerequisites,
        checks => checks['node-labels'].status !== 'fail',
      );
      expect(fixed['node-labels']).toMatchObject({
        status: 'pass',
        details: { nodePools: ['h200'], gpuTypes: ['H200'] },
      });
    } finally {
      agent.stop();
      await cluster.close();
    }
  });
});
