import type { Workspace } from '../workspaces/types';
import { deploymentManifestSchema } from './manifestSchema';
import type { RenderContext } from './renderContext';
import { gpuResourceName, halfQuantity, podPlacement } from './workloadPod';

const workspace: Workspace = {
  name: 'ml-inference',
  cluster: 'gke-l4',
  namespace: 'ml-inference',
  displayName: 'ML inference',
  description: null,
  allowPrivileged: false,
  gpuQuota: [],
  defaults: {
    tolerations: [
      {
        key: 'cloud.google.com/gke-spot',
        operator: 'Equal',
        value: 'true',
        effect: 'NoSchedule',
      },
    ],
    nodeSelector: {},
    priorityClassName: null,
    capacityType: null,
  },
  workloadIdentity: {},
  members: [],
  createdBy: 'user:default/alice',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

const ctx: RenderContext = {
  workspace,
  cluster: { name: 'gke-l4', provider: 'gke', addons: [] },
  gpuNodeSelector: {},
};

const manifest = deploymentManifestSchema.parse({
  kind: 'Service',
  name: 'small',
  workspace: 'ml-inference',
  template: 'vllm',
  image: 'vllm/vllm-openai:v0.8.5',
  model: 'Qwen/Qwen2.5-0.5B-Instruct',
  resources: { gpu: { type: 'L4', count: 1 }, cpu: 4, memory: '16Gi' },
  capacityType: 'spot',
});

describe('podPlacement', () => {
  it('lists a toleration the workspace already has once, and leaves out what is empty', () => {
    const placement = podPlacement(manifest, ctx, { gpu: true });
    expect(placement.tolerations).toEqual(workspace.defaults.tolerations);
    expect(placement).not.toHaveProperty('nodeSelector');
    expect(placement).not.toHaveProperty('priorityClassName');
  });

  it('gives pods without GPUs the workspace defaults only', () => {
    expect(podPlacement(manifest, ctx, { gpu: false })).toEqual({
      tolerations: workspace.defaults.tolerations,
    });
  });
});

describe('gpuResourceName', () => {
  it('names the vendor device plugin resource', () => {
    expect(gpuResourceName('H100')).toBe('nvidia.com/gpu');
    expect(gpuResourceName('MI300X')).toBe('amd.com/gpu');
    expect(gpuResourceName('L4')).toBe('nvidia.com/gpu');
  });
});

describe('halfQuantity', () => {
  it('halves the number and keeps the unit', () => {
    expect(halfQuantity('64Gi')).toBe('32Gi');
    expect(halfQuantity('1Gi')).toBe('0.5Gi');
    expect(halfQuantity('1.5')).toBe('0.75');
    expect(halfQuantity('2e9')).toBe('1e9');
  });
});
