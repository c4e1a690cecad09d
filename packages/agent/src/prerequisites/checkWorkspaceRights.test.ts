import { prerequisiteChecks } from '@gpu-fleet/plugin-gpu-fleet-common';
import { simulatedCluster } from '../__testUtils__/prerequisiteFixtures';
import { KubeApiForwarder } from '../KubeApiForwarder';
import { checkWorkspaceRights } from './checkWorkspaceRights';
import { PrerequisiteChecker } from './PrerequisiteChecker';
import { DEFAULT_PREREQUISITE_SETTINGS } from './prerequisiteSettings';

jest.setTimeout(30_000);

describe('checkWorkspaceRights', () => {
  it('passes where the API server says the agent may create workspaces', async () => {
    const cluster = await simulatedCluster('lambda-h200');
    const kube = KubeApiForwarder.fromEnvironment(cluster.kubeconfig);
    try {
      expect(await checkWorkspaceRights(kube)).toEqual({
        status: 'pass',
        message:
          'the agent may create namespaces, create resourcequotas, create serviceaccounts, create rolebindings, bind clusterrole gpu-fleet-workload-writer',
        details: {
          allowed: [
            'create namespaces',
            'create resourcequotas',
            'create serviceaccounts',
            'create rolebindings',
            'bind clusterrole gpu-fleet-workload-writer',
          ],
          refused: [],
        },
      });
    } finally {
      kube.close();
      await cluster.close();
    }
  });

  it('fails on a cluster whose agent was installed without workspace rights, and passes after the upgrade', async () => {
    const cluster = await simulatedCluster('lambda-h200', {
      agentRights: 'read-only',
    });
    const kube = KubeApiForwarder.fromEnvironment(cluster.kubeconfig);
    const checker = new PrerequisiteChecker(kube, {
      ...DEFAULT_PREREQUISITE_SETTINGS,
      probeNetwork: false,
    });
    const reported = async () =>
      (await checker.run()).checks.find(c => c.id === 'workspace-rights');
    try {
      const before = await reported();
      expect(before).toMatchObject({
        status: 'fail',
        message:
          "workspaces need the agent's workspace rights: it may not create namespaces, create resourcequotas, create rolebindings, bind clusterrole gpu-fleet-workload-writer",
        details: {
          allowed: ['create serviceaccounts'],
        },
      });
      expect((before!.details!.refused as string[])[0]).toMatch(
        /^create namespaces: .*installed without the agent's workspace rights/,
      );
      // What the report's advice tells the platform engineer to do.
      expect(prerequisiteChecks['workspace-rights'].advice).toContain(
        '--set rbac.workspaces=true',
      );

      // The refusal the check predicts is the one the API server gives.
      const created = await kube.forward({
        method: 'POST',
        path: '/api/v1/namespaces',
        headers: { 'content-type': 'application/json' },
        body: Buffer.from(
          JSON.stringify({
            apiVersion: 'v1',
            kind: 'Namespace',
            metadata: { name: 'ml-inference' },
          }),
        ),
        signal: AbortSignal.timeout(5000),
      });
      created.resume();
      expect(created.statusCode).toBe(403);

      cluster.sim.setAgentRights('full');
      expect(await reported()).toMatchObject({
        status: 'pass',
        details: { refused: [] },
      });
    } finally {
      kube.close();
      await cluster.close();
    }
  });
});
