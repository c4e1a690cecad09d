import {
  addonOverlapWarnings,
  checkAddonSelection,
  defaultAddonsFor,
} from './addons';
import { PROVIDER_IDS, providerProfiles } from './providers';

describe('provider-aware add-ons', () => {
  it('never pre-selects an add-on the provider manages', () => {
    for (const id of PROVIDER_IDS) {
      const managed = providerProfiles[id].managedAddons.map(m => m.addon);
      expect(defaultAddonsFor(id).filter(a => managed.includes(a))).toEqual([]);
    }
    expect(defaultAddonsFor('coreweave')).not.toContain('gpu-operator');
    expect(defaultAddonsFor('eks')).toContain('gpu-operator');
  });

  it('refuses the GPU Operator on CoreWeave CKS and says why and how to override', () => {
    const [issue, ...rest] = checkAddonSelection('coreweave', [
      'kueue',
      'gpu-operator',
    ]);
    expect(rest).toEqual([]);
    expect(issue.field).toBe('addons[1]');
    expect(issue.message).toContain(
      'CoreWeave CKS manages NVIDIA GPU Operator itself',
    );
    expect(issue.message).toContain(
      "overrideManagedAddons to include 'gpu-operator'",
    );
    expect(
      checkAddonSelection('coreweave', ['gpu-operator'], ['gpu-operator']),
    ).toEqual([]);
    expect(addonOverlapWarnings('coreweave', ['gpu-operator'])).toHaveLength(1);
  });

  it('treats Kueue as managed on Fluidstack but not on EKS', () => {
    expect(checkAddonSelection('fluidstack', ['kueue'])).toHaveLength(1);
    expect(checkAddonSelection('eks', ['kueue', 'gpu-operator'])).toEqual([]);
  });

  it('discovers node pools automatically only on EKS, GKE and AKS', () => {
    const automatic = PROVIDER_IDS.filter(
      id => providerProfiles[id].nodePoolDiscovery === 'automatic',
    );
    expect(automatic.sort()).toEqual(['aks', 'eks', 'gke']);
    for (const id of PROVIDER_IDS) {
      expect(providerProfiles[id].nodePoolLabels[0]).toBe(
        'gpu-fleet.io/nodepool',
      );
      expect(providerProfiles[id].gpuTypeLabels[0]).toBe(
        'gpu-fleet.io/gpu-type',
      );
    }
    expect(providerProfiles.gke.gpuTypeLabels).toContain(
      'cloud.google.com/gke-accelerator',
    );
  });
});
