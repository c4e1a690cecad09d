import {
  getProviderProfile,
  isProviderId,
  PROVIDER_IDS,
  providerProfiles,
} from './providers';

const managedBy = (id: (typeof PROVIDER_IDS)[number]) =>
  providerProfiles[id].managedAddons.map(m => m.addon);

describe('provider profiles', () => {
  it('recognises only the supported providers', () => {
    expect(isProviderId('coreweave')).toBe(true);
    expect(isProviderId('digitalocean')).toBe(false);
    expect(getProviderProfile('lambda').title).toBe(
      'Lambda managed Kubernetes',
    );
    for (const id of PROVIDER_IDS) expect(providerProfiles[id].id).toBe(id);
  });

  it('discovers node pools automatically only on EKS, GKE and AKS', () => {
    const automatic = PROVIDER_IDS.filter(
      id => providerProfiles[id].nodePoolDiscovery === 'automatic',
    );
    expect(automatic.sort()).toEqual(['aks', 'eks', 'gke']);
  });

  it('tells engineers to label nodes by hand wherever discovery is not automatic', () => {
    for (const id of PROVIDER_IDS) {
      const profile = providerProfiles[id];
      if (profile.nodePoolDiscovery === 'automatic') continue;
      expect(profile.notes.join('\n')).toMatch(
        /label every node with gpu-fleet.io\/nodepool and gpu-fleet.io\/gpu-type/,
      );
    }
  });

  it("reads the suite's own labels first, then TrueFoundry's, then the provider's", () => {
    expect(providerProfiles.eks.nodePoolLabels).toEqual([
      'gpu-fleet.io/nodepool',
      'truefoundry.com/nodepool',
      'eks.amazonaws.com/nodegroup',
      'karpenter.sh/nodepool',
    ]);
    expect(providerProfiles.eks.gpuTypeLabels).toEqual([
      'gpu-fleet.io/gpu-type',
      'truefoundry.com/gpu_type',
      'nvidia.com/gpu.product',
      'amd.com/gpu.product-name',
      'node.kubernetes.io/instance-type',
    ]);
    expect(providerProfiles.gke.nodePoolLabels).toContain(
      'cloud.google.com/gke-nodepool',
    );
    expect(providerProfiles.gke.gpuTypeLabels).toContain(
      'cloud.google.com/gke-accelerator',
    );
    expect(providerProfiles.aks.nodePoolLabels).toContain(
      'kubernetes.azure.com/agentpool',
    );
    expect(providerProfiles.oke.nodePoolLabels).toContain(
      'oke.oraclecloud.com/pool.name',
    );
    expect(providerProfiles.oke.gpuTypeLabels).toContain(
      'node.kubernetes.io/instance-type',
    );
    for (const id of PROVIDER_IDS) {
      expect(providerProfiles[id].nodePoolLabels.slice(0, 2)).toEqual([
        'gpu-fleet.io/nodepool',
        'truefoundry.com/nodepool',
      ]);
      expect(providerProfiles[id].gpuTypeLabels.slice(0, 3)).toEqual([
        'gpu-fleet.io/gpu-type',
        'truefoundry.com/gpu_type',
        'nvidia.com/gpu.product',
      ]);
    }
  });

  it('points OKE users at the RDMA topology labels', () => {
    const notes = providerProfiles.oke.notes.join('\n');
    for (const label of [
      'oci.oraclecloud.com/rdma.local_block_id',
      'oci.oraclecloud.com/rdma.network_block_id',
      'oci.oraclecloud.com/rdma.hpc_island_id',
    ]) {
      expect(notes).toContain(label);
    }
  });

  it('knows which add-ons each GPU cloud manages itself', () => {
    expect(managedBy('coreweave')).toEqual(['gpu-operator']);
    expect(managedBy('lambda')).toEqual(['gpu-operator']);
    expect(managedBy('fluidstack').sort()).toEqual(['gpu-operator', 'kueue']);
    expect(managedBy('nebius')).toEqual(['gpu-operator']);
    expect(providerProfiles.nebius.managedAddons[0].reason).toMatch(
      /preinstalled/,
    );
    for (const id of ['eks', 'aks', 'gke', 'oke', 'generic'] as const) {
      expect(managedBy(id)).toEqual([]);
    }
  });

  it("leaves CoreWeave's own observability alone", () => {
    expect(providerProfiles.coreweave.defaultAddons).not.toContain(
      'kube-prometheus-stack',
    );
    expect(providerProfiles.coreweave.notes.join('\n')).toContain('Cilium');
  });

  it("tolerates Lambda's GPU node taint and names its shared storage", () => {
    expect(providerProfiles.lambda.defaultTolerations).toEqual([
      { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
    ]);
    const notes = providerProfiles.lambda.notes.join('\n');
    expect(notes).toContain('lambda-shared');
    expect(notes).toContain('DCGM');
    expect(notes).toContain('remediation');
  });
});
