import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';

const TTL_KEY = 'gpuFleet.proxy.authorizationCacheTtl';
/** Default for gpuFleet.proxy.authorizationCacheTtl. */
export const DEFAULT_AUTHORIZATION_CACHE_TTL_MS = 10_000;

export function readAuthorizationCacheTtlMs(config: Config): number {
  if (!config.has(TTL_KEY)) return DEFAULT_AUTHORIZATION_CACHE_TTL_MS;
  return durationToMilliseconds(
    readDurationFromConfig(config, { key: TTL_KEY }),
  );
}
