/**
 * @jest-environment node
 */
import { mockApis } from '@backstage/test-utils';
import { ResponseError } from '@backstage/errors';
import {
  aCluster,
  aNamespaceState,
  aWorkspace,
  matrixCapacity,
} from '../__testUtils__/fixtures';
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
      // A 204 may carry no body at all.
      return new Response(status === 204 ? null : JSON.stringify(body), {
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

  it('reads every page of workspaces for a cluster', async () => {
    const workspaces = Array.from({ length: 502 }, (_, i) =>
      aWorkspace({ name: `ws-${i}` }),
    );
    const { client, calls } = clientAnswering(url => {
      const offset = Number(url.searchParams.get('offset'));
      const limit = Number(url.searchParams.get('limit'));
      return {
        status: 200,
        body: {
          items: workspaces.slice(offset, offset + limit),
          totalCount: workspaces.length,
          limit,
          offset,
        },
      };
    });
    const listed = await client.listWorkspaces({ cluster: 'eks-p5' });
    expect(listed.map(w => w.name)).toEqual(workspaces.map(w => w.name));
    expect(calls.map(c => `${c.url.pathname}${c.url.search}`)).toEqual([
      '/api/gpu-fleet/workspaces?cluster=eks-p5&limit=500&offset=0',
      '/api/gpu-fleet/workspaces?cluster=eks-p5&limit=500&offset=500',
    ]);
  });

  it('calls the workspace routes, sends bodies as JSON and takes a 204 as done', async () => {
    const workspace = aWorkspace({ name: 'ml a' });
    const { client, calls } = clientAnswering((url, init) => {
      if (init.method === 'DELETE') return { status: 204, body: null };
      if (url.pathname.endsWith('/namespace')) {
        return { status: 200, body: aNamespaceState() };
      }
      return { status: init.method === 'POST' ? 201 : 200, body: workspace };
    });
    const request = {
      name: 'ml-a',
      cluster: 'eks-p5',
      allowPrivileged: false,
      gpuQuota: [{ gpuType: 'H100' as const, count: 2 }],
      defaults: {
        tolerations: [],
        nodeSelector: {},
        priorityClassName: null,
        capacityType: null,
      },
      workloadIdentity: {},
      members: [],
    };
    expect(await client.createWorkspace(request)).toEqual(workspace);
    expect(await client.getWorkspace('ml a')).toEqual(workspace);
    await client.updateWorkspace('ml a', {
      members: [{ ref: 'user:default/bob', role: 'viewer' }],
    });
    expect(await client.getWorkspaceNamespace('ml a')).toEqual(
      aNamespaceState(),
    );
    await expect(client.deleteWorkspace('ml a')).resolves.toBeUndefined();
    expect(calls.map(c => `${c.init.method} ${c.url.pathname}`)).toEqual([
      'POST /api/gpu-fleet/workspaces',
      'GET /api/gpu-fleet/workspaces/ml%20a',
      'PATCH /api/gpu-fleet/workspaces/ml%20a',
      'GET /api/gpu-fleet/workspaces/ml%20a/namespace',
      'DELETE /api/gpu-fleet/workspaces/ml%20a',
    ]);
    expect(JSON.parse(String(calls[0].init.body))).toEqual(request);
    expect(String(calls[2].init.body)).toBe(
      '{"members":[{"ref":"user:default/bob","role":"viewer"}]}',
    );
  });

  it('turns a refused deletion into a ResponseError with the reason', async () => {
    const { client } = clientAnswering(() => ({
      status: 409,
      body: {
        error: {
          name: 'ConflictError',
          message:
            "workspace 'ml-a' still has deployments (llama): delete them first",
        },
        request: { method: 'DELETE', url: '/workspaces/ml-a' },
        response: { statusCode: 409 },
      },
    }));
    const error = await client.deleteWorkspace('ml-a').catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(409);
    expect(error.cause.message).toBe(
      "workspace 'ml-a' still has deployments (llama): delete them first",
    );
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
