/**
 * @jest-environment node
 */
import { mockApis } from '@backstage/test-utils';
import { ResponseError } from '@backstage/errors';
import { aCluster, matrixCapacity } from '../__testUtils__/fixtures';
import { GpuFleetClient } from './GpuFleetClient';

function clientAnswering(
  answer: (url: URL, init: RequestInit) => { status: number; body: unknown },
) {
  const calls: Array<{ url: URL; init: RequestInit }> = [];
  const fetchApi = {
    fetch: jest.fn(async (input: any, init: RequestInit = {}) => {
      const url = new URL(String(input));
      calls.push({ url, init });
      const { status, body } = answer(url, init);
      return new Response(JSON.stringify(body), {
        status,
        headers: { 'content-type': 'application/json' },
      });
    }),
  };
  const client = new GpuFleetClient({
    discoveryApi: mockApis.discovery({ baseUrl: 'http://portal.test' }),
    fetchApi: fetchApi as any,
  });
  return { client, calls };
}

describe('GpuFleetClient', () => {
  it('reads every page of clusters', async () => {
    const clusters = Array.from({ length: 501 }, (_, i) =>
      aCluster({ name: `c-${i}` }),
    );
    const { client, calls } = clientAnswering(url => {
      const offset = Number(url.searchParams.get('offset'));
      const limit = Number(url.searchParams.get('limit'));
      return {
        status: 200,
        body: {
          items: clusters.slice(offset, offset + limit),
          totalCount: clusters.length,
        },
      };
    });
    const listed = await client.listClusters({ provider: 'eks' });
    expect(listed.map(c => c.name)).toEqual(clusters.map(c => c.name));
    expect(calls.map(c => c.url.toString())).toEqual([
      'http://portal.test/api/gpu-fleet/clusters?provider=eks&limit=500&offset=0',
      'http://portal.test/api/gpu-fleet/clusters?provider=eks&limit=500&offset=500',
    ]);
  });

  it('asks for capacity and its history with the grouping and filters given', async () => {
    const { client, calls } = clientAnswering(() => ({
      status: 200,
      body: matrixCapacity,
    }));
    expect(
      await client.getCapacity(['provider', 'gpuType'], {
        provider: 'oke',
        capacityType: 'spot',
      }),
    ).toEqual(matrixCapacity);
    await client.getCapacityHistory(
      [],
      {
        from: new Date('2026-11-23T09:00:00Z'),
        to: new Date('2026-11-23T10:00:00Z'),
      },
      { gpuType: 'A100-80GB', cluster: 'oke-bm-h100' },
    );
    expect(calls.map(c => `${c.url.pathname}${c.url.search}`)).toEqual([
      '/api/gpu-fleet/capacity?groupBy=provider%2CgpuType&provider=oke&capacityType=spot',
      '/api/gpu-fleet/capacity/history?gpuType=A100-80GB&cluster=oke-bm-h100&from=2026-11-23T09%3A00%3A00.000Z&to=2026-11-23T10%3A00%3A00.000Z',
    ]);
  });

  it('posts the attach request as JSON and calls the token and inventory routes', async () => {
    const { client, calls } = clientAnswering(() => ({
      status: 200,
      body: {},
    }));
    await client.attachCluster({ name: 'a', provider: 'eks' });
    await client.rotateToken('a b');
    await client.revokeToken('a');
    await client.getClusterInventory('a');
    await client.getAudit('a', { limit: 10, before: 5 });
    expect(
      calls.map(c => `${c.init.method} ${c.url.pathname}${c.url.search}`),
    ).toEqual([
      'POST /api/gpu-fleet/clusters',
      'POST /api/gpu-fleet/clusters/a%20b/token/rotate',
      'POST /api/gpu-fleet/clusters/a/token/revoke',
      'GET /api/gpu-fleet/clusters/a/inventory',
      'GET /api/gpu-fleet/clusters/a/audit?limit=10&before=5',
    ]);
    expect(calls[0].init.body).toBe('{"name":"a","provider":"eks"}');
    expect(calls[0].init.headers).toEqual({
      'content-type': 'application/json',
    });
  });

  it("turns an error answer into a ResponseError carrying the server's message", async () => {
    const { client } = clientAnswering(() => ({
      status: 400,
      body: {
        error: { name: 'InputError', message: 'name: is required' },
        request: { method: 'POST', url: '/clusters' },
        response: { statusCode: 400 },
      },
    }));
    const error = await client
      .attachCluster({ name: '', provider: 'eks' })
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(400);
    expect(error.cause.message).toBe('name: is required');
  });
});
