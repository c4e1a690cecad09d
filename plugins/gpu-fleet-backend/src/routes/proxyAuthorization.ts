import { createHash } from 'node:crypto';
import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import { BasicPermission } from '@backstage/plugin-permission-common';
import { Request } from 'express';
import { authorizeCredentials } from './requestContext';
import { RouteDeps } from './types';

const TTL_KEY = 'gpuFleet.proxy.authorizationCacheTtl';
/** Default for gpuFleet.proxy.authorizationCacheTtl. */
export const DEFAULT_AUTHORIZATION_CACHE_TTL_MS = 10_000;
const MAX_ENTRIES = 10_000;

export function readAuthorizationCacheTtlMs(config: Config): number {
  if (!config.has(TTL_KEY)) return DEFAULT_AUTHORIZATION_CACHE_TTL_MS;
  return durationToMilliseconds(
    readDurationFromConfig(config, { key: TTL_KEY }),
  );
}

/**
 * Remembers for a few seconds that a bearer token was allowed the proxy, as
 * the Kubernetes API server's webhook authorizer does. kubectl and
 * controllers send many requests a second, and a full check verifies the
 * token's signature and asks the permission backend over HTTP: about three
 * quarters of the proxy's CPU on small GETs. Only allows are remembered (a
 * new grant works at once), never past the token's own expiry; a TTL of 0
 * checks every request.
 */
export class ProxyAuthorizationCache {
  // Hash of permission and Authorization header -> allowed until (epoch ms).
  private readonly allowedUntil = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async authorize(
    req: Request,
    permission: BasicPermission,
    deps: RouteDeps,
  ): Promise<void> {
    const header = req.headers.authorization;
    if (this.ttlMs <= 0 || !header) {
      await authorizeCredentials(req, permission, deps);
      return;
    }
    const key = createHash('sha256')
      .update(`${permission.name}\n${header}`)
      .digest('base64url');
    const now = this.now();
    const until = this.allowedUntil.get(key);
    if (until !== undefined) {
      if (until > now) return;
      this.allowedUntil.delete(key);
    }
    // Throws when not allowed, so nothing below runs for a denial.
    const credentials = await authorizeCredentials(req, permission, deps);
    const expires = credentials.expiresAt?.getTime() ?? Infinity;
    if (this.allowedUntil.size >= MAX_ENTRIES) {
      // Maps iterate in insertion order: the oldest entry goes first.
      const oldest = this.allowedUntil.keys().next().value;
      if (oldest !== undefined) this.allowedUntil.delete(oldest);
    }
    this.allowedUntil.set(key, Math.min(now + this.ttlMs, expires));
  }
}
