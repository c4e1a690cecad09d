export interface ProbeResult {
  target: string;
  url: string;
  reachable: boolean;
  /** The HTTP status that came back: any answer proves the path is open. */
  status?: number;
  error?: string;
}

// Docker Hub's images are named docker.io but served from this host.
const REGISTRY_HOSTS: Record<string, string> = {
  'docker.io': 'registry-1.docker.io',
};

/** A registry's API root: https://<host>/v2/ unless a URL names the scheme. */
export function registryProbeUrl(target: string): string {
  if (/^https?:\/\//.test(target)) return `${target.replace(/\/+$/, '')}/v2/`;
  return `https://${REGISTRY_HOSTS[target] ?? target}/v2/`;
}

function reasonOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })
    .cause;
  if ((error as Error).name === 'TimeoutError') return 'timed out';
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

/**
 * One HTTPS request from the agent's pod. Registries answer 401 to an
 * anonymous /v2/, which still proves DNS, routing, firewall and TLS work.
 */
export async function probeEndpoint(
  target: string,
  url: string,
  timeoutMs: number,
): Promise<ProbeResult> {
  try {
    const response = await fetch(url, {
      method: 'GET',
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body?.cancel();
    return { target, url, reachable: true, status: response.status };
  } catch (error) {
    return {
      target,
      url,
      reachable: false,
      error:
        reasonOf(error) === 'timed out'
          ? `timed out after ${timeoutMs} ms`
          : reasonOf(error),
    };
  }
}
