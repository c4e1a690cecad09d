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
  // Checks under way: a burst arriving together (or just after an entry
  // expired) waits for one check instead of each making its own.
  private readonly checking = new Map<string, Promise<void>>();

  constructor(private readonly ttlMs: number) {}

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
    const until = this.allowedUntil.get(key);
    if (until !== undefined) {
      if (until > Date.now()) return;
      this.allowedUntil.delete(key);
    }
    let check = this.checking.get(key);
    if (!check) {
      // Same header, same answer: every waiter shares it, denial included.
      check = authorizeCredentials(req, permission, deps)
        .then(credentials => this.remember(key, credentials.expiresAt))
        .finally(() => this.checking.delete(key));
      this.checking.set(key, check);
    }
    await check;
  }

  private remember(key: string, tokenExpiresAt: Date | undefined) {
    if (this.allowedUntil.size >= MAX_ENTRIES) {
      // Maps iterate in insertion order: the oldest entry goes first.
      const oldest = this.allowedUntil.keys().next().value;
      if (oldest !== undefined) this.allowedUntil.delete(oldest);
    }
    const expires = tokenExpiresAt?.getTime() ?? Infinity;
    this.allowedUntil.set(key, Math.min(Date.now() + this.ttlMs, expires));
  }
}
