import {
  AddonId,
  AttachClusterRequest,
  getProviderProfile,
  ProviderId,
} from '@gpu-fleet/plugin-gpu-fleet-common';

export interface AttachForm {
  provider: ProviderId;
  addons: AddonId[];
  name: string;
  displayName: string;
  region: string;
  description: string;
}

/**
 * The POST body: empty optional fields are left out, and a managed add-on
 * the person kept despite the warning is sent as an explicit override.
 */
export function attachRequest(form: AttachForm): AttachClusterRequest {
  const managed = getProviderProfile(form.provider).managedAddons.map(
    m => m.addon,
  );
  const overrides = form.addons.filter(a => managed.includes(a));
  const optional = (value: string) => value.trim() || undefined;
  const request: AttachClusterRequest = {
    name: form.name.trim(),
    provider: form.provider,
    addons: form.addons,
  };
  const displayName = optional(form.displayName);
  const region = optional(form.region);
  const description = optional(form.description);
  if (displayName) request.displayName = displayName;
  if (region) request.region = region;
  if (description) request.description = description;
  if (overrides.length > 0) request.overrideManagedAddons = overrides;
  return request;
}
