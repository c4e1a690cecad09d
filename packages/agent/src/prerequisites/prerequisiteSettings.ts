import { ADDON_IDS, AddonId } from '@gpu-fleet/plugin-gpu-fleet-common';

/** What the prerequisite checks need to know beyond the cluster's API. */
export interface PrerequisiteSettings {
  /** How often the checks run again while connected. */
  intervalMs: number;
  /** Add-ons chosen at attach: their registries must be reachable. */
  addons: AddonId[];
  /** Where the agent's own image comes from. */
  agentImageRegistry: string;
  /** Replaces the registries derived from the add-ons (hosts or http(s) URLs). */
  registries?: string[];
  /** Off in air-gapped clusters and tests: network checks report 'unknown'. */
  probeNetwork: boolean;
  probeTimeoutMs: number;
  /** The team's image registry (host or URL), probed for reachability. */
  imageRegistry?: string;
  /** The artifact store's endpoint (http(s) URL), probed for reachability. */
  artifactStoreUrl?: string;
  /** The wildcard domain workloads are exposed under, e.g. apps.example.com. */
  wildcardDomain?: string;
}

export const DEFAULT_PREREQUISITE_SETTINGS: PrerequisiteSettings = {
  intervalMs: 10 * 60_000,
  addons: [],
  agentImageRegistry: 'ghcr.io',
  probeNetwork: true,
  probeTimeoutMs: 5_000,
};

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map(item => item.trim())
    .filter(Boolean);

function positiveInteger(
  env: NodeJS.ProcessEnv,
  key: string,
  problems: string[],
): number | undefined {
  const raw = env[key];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    problems.push(`${key} must be a positive whole number, not '${raw}'`);
    return undefined;
  }
  return value;
}

/** Reads the GPU_FLEET_PREREQUISITE_* and related variables; problems name the variable. */
export function readPrerequisiteSettings(
  env: NodeJS.ProcessEnv,
  problems: string[],
): PrerequisiteSettings {
  const defaults = DEFAULT_PREREQUISITE_SETTINGS;
  const intervalSeconds = positiveInteger(
    env,
    'GPU_FLEET_PREREQUISITE_INTERVAL_SECONDS',
    problems,
  );
  const timeoutMs = positiveInteger(
    env,
    'GPU_FLEET_PROBE_TIMEOUT_MS',
    problems,
  );
  const addons = list(env.GPU_FLEET_ADDONS);
  const unknownAddons = addons.filter(
    id => !(ADDON_IDS as readonly string[]).includes(id),
  );
  if (unknownAddons.length > 0) {
    problems.push(
      `GPU_FLEET_ADDONS names unknown add-ons: ${unknownAddons.join(
        ', ',
      )} (known: ${ADDON_IDS.join(', ')})`,
    );
  }
  const probe = (env.GPU_FLEET_PROBE_NETWORK ?? 'true').toLowerCase();
  if (!['true', 'false'].includes(probe)) {
    problems.push(`GPU_FLEET_PROBE_NETWORK must be true or false`);
  }
  const registries = list(env.GPU_FLEET_REGISTRIES);
  return {
    intervalMs: intervalSeconds ? intervalSeconds * 1000 : defaults.intervalMs,
    addons: addons.filter((id): id is AddonId =>
      (ADDON_IDS as readonly string[]).includes(id),
    ),
    agentImageRegistry:
      env.GPU_FLEET_AGENT_IMAGE_REGISTRY?.trim() || defaults.agentImageRegistry,
    ...(registries.length > 0 ? { registries } : {}),
    probeNetwork: probe !== 'false',
    probeTimeoutMs: timeoutMs ?? defaults.probeTimeoutMs,
    ...(env.GPU_FLEET_IMAGE_REGISTRY?.trim()
      ? { imageRegistry: env.GPU_FLEET_IMAGE_REGISTRY.trim() }
      : {}),
    ...(env.GPU_FLEET_ARTIFACT_STORE_URL?.trim()
      ? { artifactStoreUrl: env.GPU_FLEET_ARTIFACT_STORE_URL.trim() }
      : {}),
    ...(env.GPU_FLEET_WILDCARD_DOMAIN?.trim()
      ? {
          wildcardDomain: env.GPU_FLEET_WILDCARD_DOMAIN.trim()
            .replace(/^\*\./, '')
            .toLowerCase(),
        }
      : {}),
  };
}
