import { requiredRegistries } from '@gpu-fleet/plugin-gpu-fleet-common';
import { CheckOutcome } from './clusterApi';
import { PrerequisiteSettings } from './prerequisiteSettings';
import { probeEndpoint, registryProbeUrl } from './probeEndpoint';

const FROM_THE_POD =
  "probed from the agent's pod; nodes usually share its egress, but node-level firewall rules can differ";

/** Reaches every registry the add-ons and the agent pull from, over HTTPS. */
export async function checkRegistryEgress(
  settings: PrerequisiteSettings,
): Promise<CheckOutcome> {
  const registries =
    settings.registries ??
    requiredRegistries(settings.addons, settings.agentImageRegistry);
  if (!settings.probeNetwork) {
    return {
      status: 'unknown',
      message:
        'network probes are turned off (GPU_FLEET_PROBE_NETWORK=false); check egress to the listed registries by hand',
      details: { registries },
    };
  }
  const results = await Promise.all(
    registries.map(r =>
      probeEndpoint(r, registryProbeUrl(r), settings.probeTimeoutMs),
    ),
  );
  const failed = results.filter(r => !r.reachable);
  const details = {
    registries,
    reachable: results.filter(r => r.reachable).map(r => r.target),
    unreachable: failed.map(r => ({ registry: r.target, error: r.error })),
    note: FROM_THE_POD,
  };
  return failed.length === 0
    ? {
        status: 'pass',
        message: `all ${registries.length} registries answered over HTTPS`,
        details,
      }
    : {
        status: 'fail',
        message: `${failed.length} of ${
          registries.length
        } registries unreachable: ${failed
          .map(r => `${r.target} (${r.error})`)
          .join(', ')}`,
        details,
      };
}
