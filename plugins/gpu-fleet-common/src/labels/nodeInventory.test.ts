import { KubeNode } from './kubeShapes';
import { nodeInventoryFromNode } from './nodeInventory';

const readyConditions = [
  { type: 'MemoryPressure', status: 'False' },
  { type: 'DiskPressure', status: 'False' },
  { type: 'PIDPressure', status: 'False' },
  { type: 'Ready', status: 'True' },
];

function node(
  name: string,
  labels: Record<string, string>,
  status: { allocatable?: Record<string, string>; ready?: boolean } = {},
  spec: KubeNode['spec'] = {},
): KubeNode {
  return {
    metadata: {
      name,
      labels: {
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/os': 'linux',
        'kubernetes.io/hostname': name,
        ...labels,
      },
    },
    spec,
    status: {
      allocatable: {
        cpu: '96',
        memory: '1000000Mi',
        pods: '110',
        ...status.allocatable,
      },
      conditions: readyConditions.map(c =>
        c.type === 'Ready' && status.ready === false
          ? { type: 'Ready', status: 'Unknown' }
          : c,
      ),
    },
  };
}

const GPU_TAINT = {
  key: 'nvidia.com/gpu',
  value: 'true',
  effect: 'NoSchedule',
};

describe('nodeInventoryFromNode', () => {
  it('reads an EKS p5 node of a spot managed node group', () => {
    const inv = nodeInventoryFromNode(
      node(
        'ip-10-0-72-33.ec2.internal',
        {
          'node.kubernetes.io/instance-type': 'p5.48xlarge',
          'beta.kubernetes.io/instance-type': 'p5.48xlarge',
          'eks.amazonaws.com/nodegroup': 'p5-h100-spot',
          'eks.amazonaws.com/capacityType': 'SPOT',
          'eks.amazonaws.com/nodegroup-image': 'ami-0c3e1f2a9b8d7c6e5',
          'topology.kubernetes.io/zone': 'us-east-1a',
        },
        {
          allocatable: { 'nvidia.com/gpu': '8', 'vpc.amazonaws.com/efa': '32' },
        },
        { taints: [GPU_TAINT] },
      ),
      { gpuAllocated: 4 },
    );
    expect(inv).toEqual({
      name: 'ip-10-0-72-33.ec2.internal',
      nodePool: 'p5-h100-spot',
      gpuType: 'H100',
      gpuTypeLabel: {
        key: 'node.kubernetes.io/instance-type',
        value: 'p5.48xlarge',
      },
      gpuVendor: 'nvidia',
      gpuCount: 8,
      gpuAllocated: 4,
      capacityType: 'spot',
      instanceType: 'p5.48xlarge',
      schedulable: true,
      ready: true,
      taints: [GPU_TAINT],
      topology: {},
    });
  });

  it('reads an EKS capacity-block p5en node launched by Karpenter', () => {
    const inv = nodeInventoryFromNode(
      node(
        'ip-10-0-90-7.ec2.internal',
        {
          'node.kubernetes.io/instance-type': 'p5en.48xlarge',
          'karpenter.sh/nodepool': 'h200-training',
          'karpenter.sh/capacity-type': 'reserved',
          'karpenter.k8s.aws/instance-gpu-name': 'h200',
        },
        { allocatable: { 'nvidia.com/gpu': '8' } },
      ),
    );
    expect(inv).toMatchObject({
      nodePool: 'h200-training',
      gpuType: 'H200',
      capacityType: 'reserved',
    });
  });

  it('reads a GKE A3 Spot node from its accelerator label', () => {
    const inv = nodeInventoryFromNode(
      node(
        'gke-train-a3-spot-5f2c8e1b-x7k2',
        {
          'cloud.google.com/gke-nodepool': 'a3-spot',
          'cloud.google.com/gke-accelerator': 'nvidia-h100-80gb',
          'cloud.google.com/gke-accelerator-count': '8',
          'cloud.google.com/gke-gpu-driver-version': 'latest',
          'cloud.google.com/gke-spot': 'true',
          'cloud.google.com/machine-family': 'a3',
          'node.kubernetes.io/instance-type': 'a3-highgpu-8g',
        },
        { allocatable: { 'nvidia.com/gpu': '8' } },
        {
          taints: [
            { key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' },
            {
              key: 'cloud.google.com/gke-spot',
              value: 'true',
              effect: 'NoSchedule',
            },
          ],
        },
      ),
      { provider: 'gke' },
    );
    expect(inv).toMatchObject({
      nodePool: 'a3-spot',
      gpuType: 'H100',
      // The accelerator label, not the instance type, picks GKE's GPU nodes.
      gpuTypeLabel: {
        key: 'cloud.google.com/gke-accelerator',
        value: 'nvidia-h100-80gb',
      },
      gpuCount: 8,
      capacityType: 'spot',
      instanceType: 'a3-highgpu-8g',
    });
    expect(inv.taints).toHaveLength(2);
  });

  it('reads an on-demand GKE A100 node whose accelerator label leaves the size out', () => {
    const inv = nodeInventoryFromNode(
      node(
        'gke-infer-a2-0c1d2e3f-9qwe',
        {
          'cloud.google.com/gke-nodepool': 'a2-pool',
          'cloud.google.com/gke-accelerator': 'nvidia-tesla-a100',
          'node.kubernetes.io/instance-type': 'a2-highgpu-2g',
        },
        { allocatable: { 'nvidia.com/gpu': '2' } },
      ),
    );
    expect(inv).toMatchObject({
      nodePool: 'a2-pool',
      gpuType: 'A100-40GB',
      gpuCount: 2,
      capacityType: 'on-demand',
    });
  });

  it('reads an AKS ND H100 v5 node of a spot agent pool', () => {
    const inv = nodeInventoryFromNode(
      node(
        'aks-ndh100-38472910-vmss000002',
        {
          'kubernetes.azure.com/agentpool': 'ndh100',
          agentpool: 'ndh100',
          'kubernetes.azure.com/cluster': 'MC_ml_ml-aks_eastus',
          'kubernetes.azure.com/scalesetpriority': 'spot',
          'kubernetes.azure.com/accelerator': 'nvidia',
          'node.kubernetes.io/instance-type': 'Standard_ND96isr_H100_v5',
        },
        { allocatable: { 'nvidia.com/gpu': '8' } },
        {
          taints: [
            {
              key: 'kubernetes.azure.com/scalesetpriority',
              value: 'spot',
              effect: 'NoSchedule',
            },
          ],
        },
      ),
    );
    expect(inv).toMatchObject({
      nodePool: 'ndh100',
      gpuType: 'H100',
      capacityType: 'spot',
      instanceType: 'Standard_ND96isr_H100_v5',
    });
  });

  it('reads an AKS NDm A100 v4 node of a regular pool as on-demand', () => {
    const inv = nodeInventoryFromNode(
      node(
        'aks-ndma100-11223344-vmss000000',
        {
          'kubernetes.azure.com/agentpool': 'ndma100',
          'node.kubernetes.io/instance-type': 'Standard_ND96amsr_A100_v4',
        },
        { allocatable: { 'nvidia.com/gpu': '8' } },
      ),
      { provider: 'aks' },
    );
    expect(inv).toMatchObject({
      nodePool: 'ndma100',
      gpuType: 'A100-80GB',
      capacityType: 'on-demand',
    });
  });

  it('reads an OKE bare-metal H100 node with its RDMA placement', () => {
    const inv = nodeInventoryFromNode(
      node(
        '10.140.64.14',
        {
          'node.kubernetes.io/instance-type': 'BM.GPU.H100.8',
          'oke.oraclecloud.com/pool.name': 'gpu-h100',
          'oke.oraclecloud.com/pool.mode': 'cluster-network',
          'oci.oraclecloud.com/fault-domain': 'FAULT-DOMAIN-1',
          'oci.oraclecloud.com/rdma.hpc_island_id': 'af7ubvouuyq',
          'oci.oraclecloud.com/rdma.network_block_id': '7xmzl4p4wba',
          'oci.oraclecloud.com/rdma.local_block_id': 'p9wdk2hq8mt',
          'oci.oraclecloud.com/rdma.host_id': 'm4v8tcz1qlo',
        },
        { allocatable: { 'nvidia.com/gpu': '8' } },
      ),
      { provider: 'oke' },
    );
    expect(inv).toMatchObject({
      name: '10.140.64.14',
      nodePool: 'gpu-h100',
      gpuType: 'H100',
      gpuVendor: 'nvidia',
      capacityType: 'unknown',
      topology: {
        localBlock: 'p9wdk2hq8mt',
        networkBlock: '7xmzl4p4wba',
        hpcIsland: 'af7ubvouuyq',
      },
    });
  });

  it('reads an OKE MI300X node as AMD from amd.com/gpu', () => {
    const inv = nodeInventoryFromNode(
      node(
        '10.140.80.3',
        {
          'node.kubernetes.io/instance-type': 'BM.GPU.MI300X.8',
          'oke.oraclecloud.com/pool.name': 'mi300x',
          'amd.com/gpu.product-name': 'AMD_Instinct_MI300X',
        },
        { allocatable: { 'amd.com/gpu': '8' } },
      ),
    );
    expect(inv).toMatchObject({
      gpuType: 'MI300X',
      gpuVendor: 'amd',
      gpuCount: 8,
      nodePool: 'mi300x',
    });
  });

  it('reads a CoreWeave node from GPU Feature Discovery and its node pool label', () => {
    const inv = nodeInventoryFromNode(
      node(
        'h100-ib-2',
        {
          'node.kubernetes.io/instance-type': 'gd-8xh100ib-i128',
          'compute.coreweave.com/node-pool': 'h100-ib',
          'node.coreweave.cloud/type': 'gd-8xh100ib-i128',
          'node.coreweave.cloud/state': 'production',
          'nvidia.com/gpu.present': 'true',
          'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3',
          'nvidia.com/gpu.count': '8',
          'nvidia.com/gpu.memory': '81559',
        },
        { allocatable: { 'nvidia.com/gpu': '8' } },
      ),
      { provider: 'coreweave' },
    );
    expect(inv).toMatchObject({
      nodePool: 'h100-ib',
      gpuType: 'H100',
      gpuCount: 8,
      capacityType: 'unknown',
    });
  });

  it('reads a Lambda H200 node, which names no pool', () => {
    const inv = nodeInventoryFromNode(
      node(
        'h200-node-1',
        {
          'node.kubernetes.io/instance-type': 'gpu_8x_h200',
          'nvidia.com/gpu.product': 'NVIDIA-H200',
          'nvidia.com/gpu.count': '8',
          'nvidia.com/gpu.memory': '143771',
        },
        { allocatable: { 'nvidia.com/gpu': '8' } },
        { taints: [{ key: 'nvidia.com/gpu', effect: 'NoSchedule' }] },
      ),
      { provider: 'lambda' },
    );
    expect(inv).toMatchObject({
      nodePool: null,
      gpuType: 'H200',
      taints: [{ key: 'nvidia.com/gpu', effect: 'NoSchedule' }],
    });
    expect(inv.taints[0]).not.toHaveProperty('value');
  });

  it("prefers the suite's hand-set labels on a Fluidstack node", () => {
    const inv = nodeInventoryFromNode(
      node(
        'fs-gpu-017',
        {
          'gpu-fleet.io/nodepool': 'b200-reserved',
          'gpu-fleet.io/gpu-type': 'B200',
          'gpu-fleet.io/capacity-type': 'reserved',
          'nvidia.com/gpu.product': 'NVIDIA-B200',
        },
        { allocatable: { 'nvidia.com/gpu': '8' } },
      ),
      { provider: 'fluidstack' },
    );
    expect(inv).toMatchObject({
      nodePool: 'b200-reserved',
      gpuType: 'B200',
      capacityType: 'reserved',
      instanceType: null,
    });
  });

  it('keeps a hand-set GPU type it does not know, as written', () => {
    const inv = nodeInventoryFromNode(
      node(
        'lab-7',
        { 'gpu-fleet.io/gpu-type': 'RTX-4090', 'gpu-fleet.io/nodepool': 'lab' },
        { allocatable: { 'nvidia.com/gpu': '4' } },
      ),
      { provider: 'generic' },
    );
    expect(inv).toMatchObject({ gpuType: 'RTX-4090', gpuVendor: 'nvidia' });
  });

  it('reads TrueFoundry labels on a migrated cluster', () => {
    const inv = nodeInventoryFromNode(
      node(
        'ip-10-2-3-4.ec2.internal',
        {
          'truefoundry.com/nodepool': 'a100-pool',
          'truefoundry.com/gpu_type': 'A100_80GB',
          'eks.amazonaws.com/nodegroup': 'ng-7f3a',
          'node.kubernetes.io/instance-type': 'p4d.24xlarge',
        },
        { allocatable: { 'nvidia.com/gpu': '8' } },
      ),
      { provider: 'eks' },
    );
    // TrueFoundry's labels come before the provider's, even where they disagree.
    expect(inv).toMatchObject({ nodePool: 'a100-pool', gpuType: 'A100-80GB' });
  });

  it('settles an A100 from the memory GPU Feature Discovery reports when only a hand label names it', () => {
    const inv = nodeInventoryFromNode(
      node(
        'dgx-a100-3',
        {
          'gpu-fleet.io/gpu-type': 'A100',
          'nvidia.com/gpu.memory': '81920',
        },
        { allocatable: { 'nvidia.com/gpu': '8' } },
      ),
    );
    expect(inv.gpuType).toBe('A100-80GB');
  });

  it('reads a node that only GPU Feature Discovery describes', () => {
    const inv = nodeInventoryFromNode(
      node(
        'worker-gpu-3',
        {
          'nvidia.com/gpu.present': 'true',
          'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-40GB',
          'nvidia.com/gpu.count': '8',
          'nvidia.com/gpu.memory': '40960',
        },
        { allocatable: { 'nvidia.com/gpu': '8' } },
      ),
    );
    expect(inv).toMatchObject({
      nodePool: null,
      gpuType: 'A100-40GB',
      gpuVendor: 'nvidia',
      gpuCount: 8,
      capacityType: 'unknown',
      instanceType: null,
    });
  });

  it('reports a CPU-only node with no GPU', () => {
    const inv = nodeInventoryFromNode(
      node('ip-10-0-16-45.ec2.internal', {
        'node.kubernetes.io/instance-type': 'm6i.2xlarge',
        'eks.amazonaws.com/nodegroup': 'system',
        'eks.amazonaws.com/capacityType': 'ON_DEMAND',
      }),
    );
    expect(inv).toMatchObject({
      nodePool: 'system',
      gpuType: null,
      gpuVendor: null,
      gpuCount: 0,
      capacityType: 'on-demand',
    });
  });

  it('reports a cordoned, not-ready node with its taints', () => {
    const inv = nodeInventoryFromNode(
      node(
        'h100-ib-3',
        {
          'compute.coreweave.com/node-pool': 'h100-ib',
          'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3',
        },
        { allocatable: { 'nvidia.com/gpu': '8' }, ready: false },
        {
          unschedulable: true,
          taints: [
            { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' },
            { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' },
          ],
        },
      ),
    );
    expect(inv).toMatchObject({
      schedulable: false,
      ready: false,
      gpuCount: 8,
      taints: [
        { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' },
        { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' },
      ],
    });
  });

  it('counts a GPU node whose device plugin has not registered yet as zero GPUs of a known type', () => {
    const inv = nodeInventoryFromNode(
      node('ip-10-0-64-99.ec2.internal', {
        'node.kubernetes.io/instance-type': 'p4de.24xlarge',
      }),
    );
    expect(inv).toMatchObject({
      gpuType: 'A100-80GB',
      gpuVendor: 'nvidia',
      gpuCount: 0,
    });
  });
});
