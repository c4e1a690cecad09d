import {
  ADDON_IDS,
  addonCatalogue,
  addonOverlapWarnings,
  checkAddonSelection,
  defaultAddonsFor,
  isAddonId,
} from './addons';
import { PROVIDER_IDS, providerProfiles } from './providers';

describe('add-on catalogue', () => {
  it('describes every add-on and the registries it pulls from', () => {
    const known = [
      'public.ecr.aws',
      'quay.io',
      'ghcr.io',
      'docker.io',
      'nvcr.io',
      'registry.k8s.io',
    ];
    for (const id of ADDON_IDS) {
      const addon = addonCatalogue[id];
      expect(addon.id).toBe(id);
      expect(addon.registries.length).toBeGreaterThan(0);
      for (const registry of addon.registries)
        expect(known).toContain(registry);
    }
    expect(addonCatalogue['gpu-operator'].registries).toContain('nvcr.io');
    expect(addonCatalogue['victoria-logs'].description).toContain('Vector');
  });

  it('recognises only catalogued add-ons', () => {
    expect(isAddonId('kuberay')).toBe(true);
    expect(isAddonId('linkerd')).toBe(false);
  });
});

describe('provider-aware add-ons', () => {
  it('never pre-selects an add-on the provider manages', () => {
    for (const id of PROVIDER_IDS) {
      const managed = providerProfiles[id].managedAddons.map(m => m.addon);
      expect(defaultAddonsFor(id).filter(a => managed.includes(a))).toEqual([]);
    }
    expect(defaultAddonsFor('coreweave')).not.toContain('gpu-operator');
    expect(defaultAddonsFor('eks')).toEqual(
      expect.arrayContaining([
        'gpu-operator',
        'cert-manager',
        'kube-prometheus-stack',
        'mpi-operator',
        'kueue',
      ]),
    );
  });

  it('hands out a copy of the defaults, so callers cannot change the profile', () => {
    defaultAddonsFor('eks').push('istio');
    expect(defaultAddonsFor('eks')).not.toContain('istio');
  });

  it('refuses the GPU Operator on CoreWeave CKS and says why and how to override', () => {
    const [issue, ...rest] = checkAddonSelection('coreweave', [
      'kueue',
      'gpu-operator',
    ]);
    expect(rest).toEqual([]);
    expect(issue.field).toBe('addons[1]');
    expect(issue.addon).toBe('gpu-operator');
    expect(issue.message).toContain(
      'CoreWeave CKS manages NVIDIA GPU Operator itself',
    );
    expect(issue.message).toContain(
      providerProfiles.coreweave.managedAddons[0].reason,
    );
    expect(issue.message).toContain(
      "set overrideManagedAddons to include 'gpu-operator'",
    );
    expect(
      checkAddonSelection('coreweave', ['gpu-operator'], ['gpu-operator']),
    ).toEqual([]);
  });

  it('warns, once per add-on, when an overridden managed add-on would be installed twice', () => {
    const warnings = addonOverlapWarnings('fluidstack', [
      'gpu-operator',
      'kueue',
      'cert-manager',
    ]);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain('both would install it');
    expect(addonOverlapWarnings('eks', ['gpu-operator', 'kueue'])).toEqual([]);
  });

  it('treats Kueue as managed on Fluidstack but not on EKS', () => {
    expect(checkAddonSelection('fluidstack', ['kueue'])).toHaveLength(1);
    expect(checkAddonSelection('eks', ['kueue', 'gpu-operator'])).toEqual([]);
  });
});
