import type { CreateWorkspaceRequest } from '@gpu-fleet/plugin-gpu-fleet-common';

/**
 * The demo's workspaces, with members from examples/catalog: Bob (ML
 * engineer, llm-team inside ml-research) deploys into both; Carol views
 * ml-inference; Dave has none; ML Platform (Alice, guest) are fleet admins.
 */
export const DEMO_WORKSPACES: Array<
  Partial<CreateWorkspaceRequest> & { name: string; cluster: string }
> = [
  {
    name: 'ml-inference',
    cluster: 'lambda-h200',
    displayName: 'ML inference',
    description: 'Online inference services (vLLM) on Lambda H200s',
    gpuQuota: [{ gpuType: 'H200', count: 8 }],
    defaults: {
      // Lambda taints its GPU nodes: without this nothing lands on them.
      tolerations: [
        { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
      ],
      nodeSelector: {},
      priorityClassName: null,
      capacityType: 'on-demand',
    },
    members: [
      { ref: 'group:default/ml-research', role: 'deployer' },
      { ref: 'user:default/carol', role: 'viewer' },
    ],
  },
  {
    name: 'training',
    cluster: 'oke-bm-h100',
    displayName: 'Distributed training',
    description: 'MPIJob training runs over RDMA on OCI bare metal',
    allowPrivileged: true,
    gpuQuota: [{ gpuType: 'H100', count: 16 }],
    members: [{ ref: 'group:default/ml-research', role: 'deployer' }],
  },
];
