import { deploymentManifestSchema } from './manifestSchema';
import {
  gpuHourPrice,
  MAX_GPUS_PER_POD,
  PlacementWorkspaceOption,
  placementRefusals,
  podsThatFit,
  vendorQuota,
} from './placementOptions';

// eks-p5 as the demo scenario leaves it: two on-demand nodes (one full) and
// one spot node with half its GPUs taken.
const training: PlacementWorkspaceOption = {
  workspace: 'training',
  displayName: 'Training',
  cluster: 'eks-p5',
  clusterDisplayName: 'EKS p5',
  provider: 'eks',
  namespace: 'training',
  capacityType: 'spot-with-fallback',
  gpuQuota: [
    { gpuType: 'H100', count: 16 },
    { gpuType: 'L40S', count: 4 },
    { gpuType: 'MI300X', count: 8 },
  ],
  reportedAt: '2026-12-02T10:00:00.000Z',
  gpuTypes: [
    {
      gpuType: 'H100',
      total: 24,
      free: 12,
      maxPerNode: 8,
      freeByNode: [
        { free: 8, nodes: 1 },
        { free: 4, nodes: 1 },
      ],
      pricePerGpuHour: { onDemand: 4, spot: 1.5 },
    },
  ],
};

const choose = (gpuCount: number, gpuType = 'H100') => ({
  workspace: 'training',
  cluster: 'eks-p5',
  gpuType,
  gpuCount,
});

const messages = (pods: number, gpuCount: number, gpuType = 'H100') =>
  placementRefusals([training], choose(gpuCount, gpuType), pods).map(
    r => `${r.field}: ${r.message}`,
  );

describe('placementRefusals', () => {
  it('accepts what fits node by node', () => {
    expect(messages(1, 8)).toEqual([]);
    expect(messages(3, 4)).toEqual([]);
    expect(messages(12, 1)).toEqual([]);
  });

  it('refuses a workspace the caller may not deploy into, or a missing one', () => {
    expect(
      placementRefusals([training], { ...choose(1), workspace: 'ml-ops' }, 1),
    ).toEqual([
      {
        field: 'workspace',
        message: "You may not deploy into workspace 'ml-ops'.",
      },
    ]);
    expect(placementRefusals([training], undefined, 1)).toEqual([
      { field: 'workspace', message: 'Choose a workspace.' },
    ]);
  });

  it('refuses a cluster other than the workspace’s', () => {
    expect(
      placementRefusals([training], { ...choose(1), cluster: 'gke-a3' }, 1),
    ).toEqual([
      {
        field: 'workspace',
        message: "Workspace 'training' is on cluster 'eks-p5', not 'gke-a3'.",
      },
    ]);
  });

  it('refuses a GPU type the cluster lacks, and says when it has not reported yet', () => {
    expect(messages(1, 1, 'H200')).toEqual([
      "gpuType: Cluster 'eks-p5' has no H200 GPUs.",
    ]);
    expect(
      placementRefusals(
        [{ ...training, reportedAt: null, gpuTypes: [] }],
        choose(1),
        1,
      ),
    ).toEqual([
      {
        field: 'gpuType',
        message: "Cluster 'eks-p5' has not reported its GPUs yet.",
      },
    ]);
    expect(
      placementRefusals([training], { ...choose(1), gpuType: '' }, 1),
    ).toEqual([{ field: 'gpuType', message: 'Choose a GPU type.' }]);
  });

  it('refuses a count a manifest cannot hold', () => {
    for (const count of [0, 1.5, MAX_GPUS_PER_POD + 1]) {
      expect(messages(1, count)).toEqual([
        'gpuCount: GPUs per pod must be a whole number from 1 to 16.',
      ]);
    }
  });

  it('refuses more GPUs per pod than the largest node holds', () => {
    expect(messages(1, 12)).toEqual([
      "gpuCount: No node of cluster 'eks-p5' holds 12 × H100: the largest has 8.",
    ]);
  });

  it('refuses more GPUs at once than are free, and more than the quota', () => {
    expect(messages(2, 8)).toEqual([
      "gpuCount: Needs 16 × H100 at once (2 pods × 8); cluster 'eks-p5' has 12 free.",
    ]);
    expect(messages(3, 8)).toEqual([
      "gpuCount: Needs 24 × H100 at once (3 pods × 8); workspace 'training' may request at most 20 NVIDIA GPUs (its quota).",
      "gpuCount: Needs 24 × H100 at once (3 pods × 8); cluster 'eks-p5' has 12 free.",
    ]);
  });

  it('refuses pods that find no node although enough GPUs are free in all', () => {
    // 12 free, but 8 + 4 hold only one pod of 6.
    expect(messages(2, 6)).toEqual([
      "gpuCount: Only 1 of 2 pods of 6 × H100 fit now: cluster 'eks-p5' has 12 H100 free, spread over nodes, at most 8 on one.",
    ]);
    const spread = {
      ...training,
      gpuTypes: [
        {
          ...training.gpuTypes[0],
          free: 8,
          freeByNode: [{ free: 4, nodes: 2 }],
        },
      ],
    };
    expect(placementRefusals([spread], choose(8), 1)).toEqual([
      {
        field: 'gpuCount',
        message:
          "No node of cluster 'eks-p5' has 8 × H100 free now: its 8 free are spread over nodes, at most 4 on one.",
      },
    ]);
  });
});

describe('podsThatFit', () => {
  it('counts whole pods per node', () => {
    const gpu = training.gpuTypes[0];
    expect(podsThatFit(gpu, 1)).toBe(12);
    expect(podsThatFit(gpu, 3)).toBe(3);
    expect(podsThatFit(gpu, 5)).toBe(1);
    expect(podsThatFit(gpu, 9)).toBe(0);
    expect(podsThatFit(gpu, 0)).toBe(0);
  });
});

describe('vendorQuota', () => {
  it('sums the quota of every type of the vendor, as the namespace quota counts', () => {
    expect(vendorQuota(training.gpuQuota, 'H100')).toEqual({
      vendor: 'NVIDIA',
      limit: 20,
    });
    expect(vendorQuota(training.gpuQuota, 'MI300X')).toEqual({
      vendor: 'AMD',
      limit: 8,
    });
    expect(vendorQuota([], 'H100')).toEqual({ vendor: 'NVIDIA', limit: 0 });
  });
});

describe('gpuHourPrice', () => {
  it('prices the way the workspace buys its GPUs', () => {
    const gpu = training.gpuTypes[0];
    expect(gpuHourPrice(gpu, 'on-demand')).toEqual({
      price: 4,
      fallback: null,
    });
    expect(gpuHourPrice(gpu, 'spot')).toEqual({ price: 1.5, fallback: null });
    expect(gpuHourPrice(gpu, 'spot-with-fallback')).toEqual({
      price: 1.5,
      fallback: 4,
    });
  });
});

describe('MAX_GPUS_PER_POD', () => {
  it('is what the manifest schema allows per pod', () => {
    const manifest = (count: number) => ({
      kind: 'Service',
      template: 'vllm',
      name: 'llama',
      workspace: 'training',
      image: 'vllm/vllm-openai:v0.6.4',
      model: 'meta-llama/Llama-3.1-8B-Instruct',
      resources: { gpu: { type: 'H100', count }, cpu: '8', memory: '64Gi' },
    });
    expect(
      deploymentManifestSchema.safeParse(manifest(MAX_GPUS_PER_POD)).success,
    ).toBe(true);
    expect(
      deploymentManifestSchema.safeParse(manifest(MAX_GPUS_PER_POD + 1))
        .success,
    ).toBe(false);
  });
});
