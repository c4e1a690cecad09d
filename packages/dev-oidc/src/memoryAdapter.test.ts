import { createMemoryAdapterFactory } from './memoryAdapter';

describe('createMemoryAdapterFactory', () => {
  let time = 1_000_000;
  const now = () => time;

  it('keeps a record until it expires', async () => {
    const adapter = createMemoryAdapterFactory(now)('AccessToken');
    await adapter.upsert('a', { accountId: 'bob' }, 60);
    expect(await adapter.find('a')).toEqual({ accountId: 'bob' });
    time += 59_000;
    expect(await adapter.find('a')).toBeDefined();
    time += 1_000;
    expect(await adapter.find('a')).toBeUndefined();
  });

  it('separates models and stores', async () => {
    const factory = createMemoryAdapterFactory(now);
    await factory('AccessToken').upsert('x', { accountId: 'bob' }, 60);
    expect(await factory('RefreshToken').find('x')).toBeUndefined();
    expect(
      await createMemoryAdapterFactory(now)('AccessToken').find('x'),
    ).toBeUndefined();
  });

  it('finds sessions by uid and records by user code', async () => {
    const factory = createMemoryAdapterFactory(now);
    await factory('Session').upsert('s1', { uid: 'u1', accountId: 'bob' }, 60);
    expect(await factory('Session').findByUid('u1')).toMatchObject({
      accountId: 'bob',
    });
    await factory('DeviceCode').upsert('d1', { userCode: 'ABCD' }, 60);
    expect(await factory('DeviceCode').findByUserCode('ABCD')).toEqual({
      userCode: 'ABCD',
    });
    expect(await factory('Session').findByUid('nope')).toBeUndefined();
  });

  it('marks a record consumed and destroys it', async () => {
    const adapter = createMemoryAdapterFactory(now)('AuthorizationCode');
    await adapter.upsert('c', { accountId: 'bob' }, 60);
    await adapter.consume('c');
    expect((await adapter.find('c'))?.consumed).toBe(Math.floor(time / 1000));
    await adapter.destroy('c');
    expect(await adapter.find('c')).toBeUndefined();
  });

  it('revokes every token of a grant, and only those', async () => {
    const factory = createMemoryAdapterFactory(now);
    await factory('AccessToken').upsert('a1', { grantId: 'g1' }, 60);
    await factory('RefreshToken').upsert('r1', { grantId: 'g1' }, 60);
    await factory('AccessToken').upsert('a2', { grantId: 'g2' }, 60);
    await factory('AccessToken').revokeByGrantId('g1');
    expect(await factory('AccessToken').find('a1')).toBeUndefined();
    expect(await factory('RefreshToken').find('r1')).toBeUndefined();
    expect(await factory('AccessToken').find('a2')).toBeDefined();
  });
});
