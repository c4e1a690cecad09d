import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Prefix that makes a leaked token recognisable to secret scanners. */
export const CLUSTER_TOKEN_PREFIX = 'gfct_';

/** 256 bits of randomness; shown once, stored only as its hash. */
export function generateClusterToken(): string {
  return `${CLUSTER_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

// A fast hash is enough: the token is random, not a password.
export function hashClusterToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Compares a presented token with a stored hash in constant time. */
export function clusterTokenMatches(
  token: string,
  storedHash: string,
): boolean {
  const presented = Buffer.from(hashClusterToken(token), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return (
    presented.length === stored.length && timingSafeEqual(presented, stored)
  );
}
