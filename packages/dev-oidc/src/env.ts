import {
  DEFAULT_CLIENT_ID,
  DEFAULT_CLIENT_SECRET,
  DEFAULT_PORT,
  DEFAULT_PORTAL_URL,
  DevOidcProviderOptions,
} from './startDevOidcProvider';

/**
 * Reads the command's settings: `GPU_FLEET_OIDC_PORT` (default 7009, 0 for
 * a free one), `GPU_FLEET_OIDC_HOST`, `GPU_FLEET_BASE_URL` (the portal),
 * `GPU_FLEET_OIDC_CLIENT_ID`, `GPU_FLEET_OIDC_CLIENT_SECRET`.
 */
export function readOptionsFromEnv(
  env: NodeJS.ProcessEnv,
): DevOidcProviderOptions {
  const rawPort = env.GPU_FLEET_OIDC_PORT ?? String(DEFAULT_PORT);
  const port = Number(rawPort);
  if (!/^\d+$/.test(rawPort) || port > 65535) {
    throw new Error(
      `GPU_FLEET_OIDC_PORT must be a port number (0 for a free one), not '${rawPort}'`,
    );
  }
  return {
    port,
    host: env.GPU_FLEET_OIDC_HOST || undefined,
    portalUrl: env.GPU_FLEET_BASE_URL || DEFAULT_PORTAL_URL,
    clientId: env.GPU_FLEET_OIDC_CLIENT_ID || DEFAULT_CLIENT_ID,
    clientSecret: env.GPU_FLEET_OIDC_CLIENT_SECRET || DEFAULT_CLIENT_SECRET,
  };
}
