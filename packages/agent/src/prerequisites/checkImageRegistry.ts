import { CheckOutcome } from './clusterApi';
import { PrerequisiteSettings } from './prerequisiteSettings';
import { probeEndpoint, ProbeResult, registryProbeUrl } from './probeEndpoint';

/**
 * The team's own image registry and artifact store, when configured, must
 * answer from the agent's pod. Credentials are not tested: the agent has none.
 */
export async function checkImageRegistry(
  settings: PrerequisiteSettings,
): Promise<CheckOutcome> {
  const targets: Array<{ what: string; target: string; url: string }> = [];
  if (settings.imageRegistry) {
    targets.push({
      what: 'image registry',
      target: settings.imageRegistry,
      url: registryProbeUrl(settings.imageRegistry),
    });
  }
  if (settings.artifactStoreUrl) {
    targets.push({
      what: 'artifact store',
      target: settings.artifactStoreUrl,
      url: settings.artifactStoreUrl,
    });
  }
  const missing = [
    settings.imageRegistry ? undefined : 'GPU_FLEET_IMAGE_REGISTRY',
    settings.artifactStoreUrl ? undefined : 'GPU_FLEET_ARTIFACT_STORE_URL',
  ].filter((v): v is string => Boolean(v));
  if (!settings.probeNetwork) {
    return {
      status: 'unknown',
      message: 'network probes are turned off (GPU_FLEET_PROBE_NETWORK=false)',
      details: { configured: targets.map(t => t.target) },
    };
  }
  const results: Array<ProbeResult & { what: string }> = await Promise.all(
    targets.map(async t => ({
      what: t.what,
      ...(await probeEndpoint(t.target, t.url, settings.probeTimeoutMs)),
    })),
  );
  const failed = results.filter(r => !r.reachable);
  const details = {
    probed: results.map(r => ({
      what: r.what,
      target: r.target,
      reachable: r.reachable,
      ...(r.status ? { status: r.status } : {}),
      ...(r.error ? { error: r.error } : {}),
    })),
    ...(missing.length ? { notConfigured: missing } : {}),
  };
  if (failed.length > 0) {
    return {
      status: 'fail',
      message: failed
        .map(r => `the ${r.what} ${r.target} is unreachable (${r.error})`)
        .join('; '),
      details,
    };
  }
  if (missing.length > 0) {
    return {
      status: 'unknown',
      message: `set ${missing.join(
        ' and ',
      )} in the agent's environment so it can check them${
        results.length
          ? `; ${results.map(r => `the ${r.what} answered`).join(', ')}`
          : ''
      }`,
      details,
    };
  }
  return {
    status: 'pass',
    message: 'the image registry and the artifact store answered',
    details,
  };
}
