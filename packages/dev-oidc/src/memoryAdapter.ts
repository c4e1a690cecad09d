import type { Adapter, AdapterFactory, AdapterPayload } from 'oidc-provider';

// Models whose records are revoked together with their grant.
const GRANTABLE = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
]);

const SWEEP_INTERVAL_MS = 60_000;

/**
 * Keeps the provider's sessions, codes, tokens and grants in this process:
 * a restart signs everyone out, which is what a local IdP wants. One store
 * per provider, so providers started side by side (tests) share nothing.
 */
export function createMemoryAdapterFactory(
  now: () => number = Date.now,
): AdapterFactory {
  const records = new Map<
    string,
    { payload: AdapterPayload; expiresAt: number }
  >();
  // Secondary keys (session uid, user code) and grant members point at record keys.
  const index = new Map<string, string>();
  const grants = new Map<string, Set<string>>();
  let lastSweep = now();

  const read = (key: string | undefined) => {
    if (key === undefined) return undefined;
    const record = records.get(key);
    if (!record) return undefined;
    if (record.expiresAt <= now()) {
      records.delete(key);
      return undefined;
    }
    return record.payload;
  };

  // Drops what has expired, so a long-running provider does not grow.
  const sweep = () => {
    const time = now();
    if (time - lastSweep < SWEEP_INTERVAL_MS) return;
    lastSweep = time;
    for (const [key, record] of records) {
      if (record.expiresAt <= time) records.delete(key);
    }
    for (const [key, target] of index) {
      if (!records.has(target)) index.delete(key);
    }
    for (const [grantId, members] of grants) {
      for (const member of members) {
        if (!records.has(member)) members.delete(member);
      }
      if (members.size === 0) grants.delete(grantId);
    }
  };

  return (model: string): Adapter => {
    const keyFor = (id: string) => `${model}:${id}`;
    return {
      async upsert(id, payload, expiresIn) {
        sweep();
        const key = keyFor(id);
        records.set(key, { payload, expiresAt: now() + expiresIn * 1000 });
        if (model === 'Session' && payload.uid) {
          index.set(`sessionUid:${payload.uid}`, key);
        }
        if (payload.userCode) index.set(`userCode:${payload.userCode}`, key);
        if (GRANTABLE.has(model) && payload.grantId) {
          const members = grants.get(payload.grantId) ?? new Set<string>();
          members.add(key);
          grants.set(payload.grantId, members);
        }
      },
      async find(id) {
        return read(keyFor(id));
      },
      async findByUid(uid) {
        return read(index.get(`sessionUid:${uid}`));
      },
      async findByUserCode(userCode) {
        return read(index.get(`userCode:${userCode}`));
      },
      async consume(id) {
        const payload = read(keyFor(id));
        if (payload) payload.consumed = Math.floor(now() / 1000);
      },
      async destroy(id) {
        records.delete(keyFor(id));
      },
      async revokeByGrantId(grantId) {
        for (const key of grants.get(grantId) ?? []) records.delete(key);
        grants.delete(grantId);
      },
    };
  };
}
