import type { ProviderId } from '@gpu-fleet/plugin-gpu-fleet-common';

/** A simulated cluster in the demo fleet and how it is attached. */
export interface DemoCluster {
  /** Cluster name in the registry (a DNS label). */
  name: string;
  /** Scenario file name in @gpu-fleet/k8s-simulator's scenarios folder. */
  scenario: string;
  provider: ProviderId;
  displayName: string;
  region: string;
  description: string;
  /** Fixed, so kubeconfigs and docs stay valid across restarts. */
  port: number;
}

export const DEMO_CLUSTERS: DemoCluster[] = [
  {
    name: 'coreweave-h100',
    scenario: 'coreweave-h100.yaml',
    provider: 'coreweave',
    displayName: 'CoreWeave CKS · H100',
    region: 'US-EAST-04',
    description: 'Simulated CoreWeave CKS cluster with H100 InfiniBand nodes',
    port: 7101,
  },
  {
    name: 'lambda-h200',
    scenario: 'lambda-h200.yaml',
    provider: 'lambda',
    displayName: 'Lambda · H200',
    region: 'us-east-3',
    description:
      'Simulated Lambda managed Kubernetes cluster with tainted H200 nodes',
    port: 7102,
  },
  {
    name: 'eks-p5',
    scenario: 'eks-p5.yaml',
    provider: 'eks',
    displayName: 'AWS EKS · p5 (H100)',
    region: 'us-east-1',
    description: 'Simulated EKS cluster with p5.48xlarge node groups',
    port: 7103,
  },
  {
    name: 'oke-bm-h100',
    scenario: 'oke-bm-h100.yaml',
    provider: 'oke',
    displayName: 'OCI OKE · BM.GPU.H100.8',
    region: 'us-ashburn-1',
    description: 'Simulated OKE cluster network with RDMA topology labels',
    port: 7104,
  },
];
