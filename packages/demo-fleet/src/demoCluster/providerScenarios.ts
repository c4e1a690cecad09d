import type { ProviderId } from '@gpu-fleet/plugin-gpu-fleet-common';

/**
 * The simulator scenario each provider's demo cluster is built from: its
 * node labels, taints, node names, Kubernetes version and system nodes.
 */
export const PROVIDER_SCENARIOS: Record<ProviderId, string> = {
  eks: 'eks-p5.yaml',
  aks: 'aks-nd-h100.yaml',
  gke: 'gke-a3-h100.yaml',
  oke: 'oke-bm-h100.yaml',
  coreweave: 'coreweave-h100.yaml',
  lambda: 'lambda-h200.yaml',
  fluidstack: 'fluidstack-h100.yaml',
  nebius: 'nebius-h200.yaml',
  generic: 'generic-l40s.yaml',
};
