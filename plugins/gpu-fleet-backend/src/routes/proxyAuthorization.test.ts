import http from 'node:http';
import { mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { startFleetBackend } from '../__testUtils__/startFleetBackend';

describe('proxy authorisation', () => {
  async function start(options: { ttl?: object | string }) {
    // Decisions to hand out, in order, once the cluster is attached; then ALLOW.
    const decisions: AuthorizeResult[] = [];
    const permissions = mockServices.permissions.mock({
      authorize: jest.fn(async requests =>
        requests.map(() => ({ result: AuthorizeResult.ALLOW })),
      ) as any,
      // The proxy asks for conditional decisions; each takes a moment, like
      // the permission backend's HTTP round trip.
      authorizeConditional: jest.fn(async requests => {
        await new Promise(resolve => setTimeout(resolve, 20));
        return requests.map(() => ({
          result: decisions.shift() ?? AuthorizeResult.ALLOW,
        }));
      }) as any,
    });
    // Real tokens, verified for real; the decisions are this test's to count.
    const fleet = await startFleetBackend({
      policy: false,
      features: [permissions.factory],
      config: {
        backend: { baseUrl: 'http://localhost:7007' },
        ...(options.ttl === undefined
          ? {}
          : { gpuFleet: { proxy: { authorizationCacheTtl: options.ttl } } }),
      },
    });
    const { alice } = fleet.as;
    const base = fleet.base;
    // Attached but without an agent: an authorised request gets 503.
    const attached = await fetch(`${base}/clusters`, {
      method: 'POST',
      headers: { Authorization: alice, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'eks-p5', provider: 'eks' }),
    });
    expect(attached.status).toBe(201);
    permissions.authorizeConditional.mockClear();
    // Each request on its own connection, so ones sent together overlap.
    const proxied = (authorization?: string) =>
      new Promise<number>((resolve, reject) => {
        http
          .get(
            `${base}/clusters/eks-p5/proxy/api/v1/nodes`,
            {
              agent: false,
              headers: authorization ? { Authorization: authorization } : {},
            },
            res => {
              res.resume();
              res.on('end', () => resolve(res.statusCode!));
            },
          )
          .on('error', reject);
      });
    return {
      proxied,
      callers: fleet.as,
      checks: () => permissions.authorizeConditional.mock.calls.length,
      decide: (...results: AuthorizeResult[]) => decisions.push(...results),
    };
  }

  it('asks the permission framework once for a burst of requests with one token', async () => {
    const {
      proxied,
      checks,
      callers: { alice, bob },
    } = await start({});
    for (let i = 0; i < 5; i++) expect(await proxied(alice)).toBe(503);
    expect(checks()).toBe(1);
    // Another caller is checked on their own.
    expect(await proxied(bob)).toBe(503);
    expect(checks()).toBe(2);
  });

  it('asks once for requests that arrive together', async () => {
    const {
      proxied,
      checks,
      callers: { alice },
    } = await start({});
    const statuses = await Promise.all(
      Array.from({ length: 10 }, () => proxied(alice)),
    );
    expect(statuses).toEqual(Array(10).fill(503));
    expect(checks()).toBe(1);
  });

  it('asks again once the remembered decision is older than the TTL', async () => {
    const {
      proxied,
      checks,
      callers: { alice },
    } = await start({ ttl: { milliseconds: 300 } });
    expect(await proxied(alice)).toBe(503);
    expect(await proxied(alice)).toBe(503);
    expect(checks()).toBe(1);
    await new Promise(resolve => setTimeout(resolve, 400));
    expect(await proxied(alice)).toBe(503);
    expect(checks()).toBe(2);
  });

  it('remembers a denial for the TTL too, as the API server webhook authorizer does', async () => {
    const {
      proxied,
      checks,
      decide,
      callers: { alice },
    } = await start({ ttl: { milliseconds: 300 } });
    // Denied as fleet admin, then as cluster reader.
    decide(AuthorizeResult.DENY, AuthorizeResult.DENY);
    expect(await proxied(alice)).toBe(403);
    expect(await proxied(alice)).toBe(403);
    expect(checks()).toBe(2);
    await new Promise(resolve => setTimeout(resolve, 400));
    expect(await proxied(alice)).toBe(503);
    expect(checks()).toBe(3);
  });

  it('checks every request when the TTL is 0', async () => {
    const {
      proxied,
      checks,
      callers: { alice },
    } = await start({ ttl: '0s' });
    for (let i = 0; i < 3; i++) expect(await proxied(alice)).toBe(503);
    expect(checks()).toBe(3);
  });

  it('refuses a request without a valid Backstage token with 401', async () => {
    const { proxied, checks, callers } = await start({});
    expect(await proxied()).toBe(401);
    expect(await proxied('Bearer forged')).toBe(401);
    // Twice each, so a remembered answer would show.
    for (let i = 0; i < 2; i++) {
      expect(await proxied(callers.forged)).toBe(401);
      expect(await proxied(callers.expired)).toBe(401);
    }
    expect(checks()).toBe(0);
    // The real token beside them still works.
    expect(await proxied(callers.alice)).toBe(503);
  });
});
