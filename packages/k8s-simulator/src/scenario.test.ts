import { resolve } from 'node:path';
import { buildScenarioNodes, loadScenario, parseScenario } from './scenario';
import { RunningSimulator, startSimulator } from './startSimulator';
import { request } from './testing/httpClient';

const scenarioPath = (name: string) =>
  resolve(__dirname, '..', 'scenarios', `${name}.yaml`);

const nodesOf = (name: string) =>
  buildScenarioNodes(loadScenario(scenarioPath(name))).map(n => n.object);

describe('scenarios', () => {
  it('describes CoreWeave CKS H100 nodes with GPU Feature Discovery and node pool labels', () => {
    const nodes = nodesOf('coreweave-h100');
    const gpuNodes = nodes.filter(
      n => n.metadata.labels!['nvidia.com/gpu.product'],
    );
    expect(gpuNodes).toHaveLength(4);
    expect(gpuNodes[0].metadata.labels).toMatchObject({
      'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3',
      'nvidia.com/gpu.count': '8',
      'nvidia.com/gpu.memory': '81559',
      'compute.coreweave.com/node-pool': 'h100-ib',
      'node.kubernetes.io/instance-type': 'gd-8xh100ib-i128',
    });
    expect((gpuNodes[0].status as any).allocatable['nvidia.com/gpu']).toBe('8');
  });

  it('describes Lambda H200 nodes tainted for GPU workloads only', () => {
    const [node] = nodesOf('lambda-h200');
    expect(node.metadata.labels!['nvidia.com/gpu.product']).toBe('NVIDIA-H200');
    expect((node.spec as any).taints).toEqual([
      { key: 'nvidia.com/gpu', effect: 'NoSchedule' },
    ]);
  });

  it('describes EKS p5 managed node groups with EKS labels, capacity types and EC2 names', () => {
    const nodes = nodesOf('eks-p5');
    const p5 = nodes.filter(
      n =>
        n.metadata.labels!['node.kubernetes.io/instance-type'] ===
        'p5.48xlarge',
    );
    expect(p5).toHaveLength(3);
    expect(
      p5.map(n => n.metadata.labels!['eks.amazonaws.com/capacityType']).sort(),
    ).toEqual(['ON_DEMAND', 'ON_DEMAND', 'SPOT']);
    expect(p5[0].metadata.name).toBe('ip-10-0-64-21.ec2.internal');
    expect(p5[0].metadata.labels!['eks.amazonaws.com/nodegroup']).toBe(
      'p5-h100-ondemand',
    );
    expect((p5[0].spec as any).providerID).toMatch(
      /^aws:\/\/\/us-east-1a\/i-[0-9a-f]{17}$/,
    );
    expect((p5[0].status as any).nodeInfo.kubeletVersion).toBe(
      'v1.30.2-eks-1552ad0',
    );
    expect((p5[0].status as any).allocatable).toMatchObject({
      'nvidia.com/gpu': '8',
      'vpc.amazonaws.com/efa': '32',
    });
  });

  it('describes OKE BM.GPU.H100.8 nodes with RDMA topology labels per local block', () => {
    const nodes = nodesOf('oke-bm-h100');
    expect(nodes).toHaveLength(4);
    expect(nodes[0].metadata.name).toBe('10.140.64.12');
    expect(nodes[0].metadata.labels).toMatchObject({
      'node.kubernetes.io/instance-type': 'BM.GPU.H100.8',
      'oke.oraclecloud.com/pool.name': 'gpu-h100',
      'oci.oraclecloud.com/rdma.hpc_island_id': 'af7ubvouuyq',
      'oci.oraclecloud.com/rdma.network_block_id': '7xmzl4p4wba',
      'oci.oraclecloud.com/rdma.local_block_id': '4tjxbt4s6ua',
      hostname: 'oke-gpu-h100-0',
    });
    const blocks = nodes.map(
      n => n.metadata.labels!['oci.oraclecloud.com/rdma.local_block_id'],
    );
    expect(new Set(blocks).size).toBe(2);
  });

  it('explains what is wrong with an invalid scenario', () => {
    expect(() =>
      parseScenario(
        {
          name: 'x',
          provider: 'p',
          kubernetesVersion: 'v1.30.0',
          nodePools: [
            { name: 'a', instanceType: 't', count: -1, capacity: { cpu: 1 } },
          ],
        },
        'bad.yaml',
      ),
    ).toThrow(
      'Invalid scenario bad.yaml: nodePools[0].count must be a non-negative integer',
    );
    expect(() =>
      parseScenario({
        name: 'x',
        provider: 'p',
        kubernetesVersion: '1.30',
        nodePools: [],
      }),
    ).toThrow(/kubernetesVersion/);
    expect(() =>
      parseScenario({
        name: 'x',
        provider: 'p',
        kubernetesVersion: 'v1.30.0',
        nodePools: [],
        agentRights: 'none',
      }),
    ).toThrow(
      'Invalid scenario scenario: agentRights must be one of full, read-only',
    );
  });

  describe.each(['coreweave-h100', 'lambda-h200', 'eks-p5', 'oke-bm-h100'])(
    'serving %s',
    name => {
      let sim: RunningSimulator;

      beforeAll(async () => {
        sim = await startSimulator({ port: 0, scenario: scenarioPath(name) });
      });

      afterAll(async () => {
        await sim.close();
      });

      it('serves its nodes, version and running GPU pods', async () => {
        const scenario = sim.scenario!;
        const nodes = (await request(sim.url, 'GET', '/api/v1/nodes')).body
          .items;
        expect(nodes).toHaveLength(
          scenario.nodePools.reduce((n, p) => n + p.count, 0),
        );
        expect(
          nodes.every((n: any) =>
            n.status.conditions.some(
              (c: any) => c.type === 'Ready' && c.status === 'True',
            ),
          ),
        ).toBe(true);
        expect(
          (await request(sim.url, 'GET', '/version')).body.gitVersion,
        ).toBe(scenario.kubernetesVersion);

        const running = (
          await request(
            sim.url,
            'GET',
            '/api/v1/pods?fieldSelector=status.phase%3DRunning',
          )
        ).body.items;
        expect(running.length).toBeGreaterThan(0);
        for (const pod of running) {
          expect(nodes.map((n: any) => n.metadata.name)).toContain(
            pod.spec.nodeName,
          );
        }
        const gpuPods = running.filter(
          (p: any) =>
            p.spec.containers[0].resources?.limits?.['nvidia.com/gpu'],
        );
        expect(gpuPods.length).toBeGreaterThan(0);
      });
    },
  );

  it('feeds scenario log lines to the pod log endpoint', async () => {
    const sim = await startSimulator({
      port: 0,
      scenario: loadScenario(scenarioPath('coreweave-h100')),
    });
    try {
      const res = await request(
        sim.url,
        'GET',
        '/api/v1/namespaces/ml-training/pods/llama-pretrain-worker-0/log',
      );
      expect(res.body).toContain('step 1200 | loss 2.314');
    } finally {
      await sim.close();
    }
  });
});
