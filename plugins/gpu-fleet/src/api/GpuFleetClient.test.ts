/**
 * @jest-environment node
 */
import { mockApis } from '@backstage/test-utils';
import { ResponseError } from '@backstage/errors';
import {
  aDeployment,
  deploymentRevisions,
  revision2Diff,
  vllmManifest,
} from '../__testUtils__/deploymentFixtures';
import {
  aCluster,
  aNamespaceState,
  aWorkspace,
  matrixCapacity,
} from '../__testUtils__/fixtures';
import { errorMessage, unmetRequirementsOf } from './apiErrors';
import { GpuFleetClient } from './GpuFleetClient';

function clientAnswering(
  answer: (
    url: URL,
    init: RequestInit,
  ) => { status: number; body: unknown; contentType?: string },
) {
  const calls: Array<{ url: URL; init: RequestInit }> = [];
  const fetchApi = {
    fetch: jest.fn(async (input: any, init: RequestInit = {}) => {
      const url = new URL(String(input));
      calls.push({ url, init });
      const { status, body, contentType } = answer(url, init);
      let text: string | null = null;
      // A 204 may carry no body at all.
      if (status !== 204) {
        text = typeof body === 'string' ? body : JSON.stringify(body);
      }
      return new Response(text, {
        status,
        headers: { 'content-type': contentType ?? 'application/json' },
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

  it('asks where the caller may deploy', async () => {
    const body = {
      workspaces: [],
      currency: 'EUR',
      generatedAt: '2026-12-02T10:00:00.000Z',
    };
    const { client, calls } = clientAnswering(() => ({ status: 200, body }));
    expect(await client.getPlacementOptions()).toEqual(body);
    expect(
      calls.map(c => `${c.init.method ?? 'GET'} ${c.url.pathname}`),
    ).toEqual(['GET /api/gpu-fleet/placement-options']);
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

  it('calls every deployment route with its method, path and JSON body', async () => {
    const deployment = aDeployment();
    const { client, calls } = clientAnswering((url, init) => {
      const path = url.pathname.replace('/api/gpu-fleet', '');
      if (init.method === 'DELETE') return { status: 202, body: deployment };
      if (path === '/deployments') {
        return init.method === 'POST'
          ? { status: 201, body: deployment }
          : { status: 200, body: { items: [deployment] } };
      }
      if (path.endsWith('/revisions')) {
        return { status: 200, body: { items: deploymentRevisions } };
      }
      if (path.endsWith('/diff')) return { status: 200, body: revision2Diff };
      if (path.endsWith('/requirements')) {
        return { status: 200, body: { cluster: 'coreweave-h100', unmet: [] } };
      }
      return { status: 200, body: deployment };
    });
    const manifest = { ...vllmManifest, name: 'llama' };

    expect(await client.listDeployments()).toEqual([deployment]);
    expect(await client.listDeployments({ workspace: 'ml a' })).toEqual([
      deployment,
    ]);
    expect(await client.createDeployment(manifest)).toEqual(deployment);
    await client.previewDeployment(manifest);
    expect(await client.getDeployment('ml a', 'llama 3')).toEqual(deployment);
    await client.updateDeployment('ml-a', 'llama', manifest);
    expect(
      await client.getDeploymentRequirements('ml-a', 'llama', 'coreweave-h100'),
    ).toEqual({ cluster: 'coreweave-h100', unmet: [] });
    await client.retargetDeployment('ml-a', 'llama', 'coreweave-h100');
    expect(await client.deleteDeployment('ml-a', 'llama')).toEqual(deployment);
    expect(await client.listDeploymentRevisions('ml-a', 'llama')).toEqual(
      deploymentRevisions,
    );
    expect(await client.getRevisionDiff('ml-a', 'llama', 2)).toEqual(
      revision2Diff,
    );

    expect(
      calls.map(c => `${c.init.method} ${c.url.pathname}${c.url.search}`),
    ).toEqual([
      'GET /api/gpu-fleet/deployments',
      'GET /api/gpu-fleet/deployments?workspace=ml+a',
      'POST /api/gpu-fleet/deployments',
      'POST /api/gpu-fleet/deployments/preview',
      'GET /api/gpu-fleet/workspaces/ml%20a/deployments/llama%203',
      'PUT /api/gpu-fleet/workspaces/ml-a/deployments/llama',
      'GET /api/gpu-fleet/workspaces/ml-a/deployments/llama/requirements?cluster=coreweave-h100',
      'POST /api/gpu-fleet/workspaces/ml-a/deployments/llama/retarget',
      'DELETE /api/gpu-fleet/workspaces/ml-a/deployments/llama',
      'GET /api/gpu-fleet/workspaces/ml-a/deployments/llama/revisions',
      'GET /api/gpu-fleet/workspaces/ml-a/deployments/llama/revisions/2/diff',
    ]);
    for (const index of [2, 3, 5]) {
      expect(JSON.parse(String(calls[index].init.body))).toEqual(manifest);
    }
    expect(calls[7].init.body).toBe('{"cluster":"coreweave-h100"}');
  });

  it('takes a 204 to a deletion as gone at once', async () => {
    const { client } = clientAnswering(() => ({ status: 204, body: null }));
    await expect(
      client.deleteDeployment('ml-a', 'llama'),
    ).resolves.toBeUndefined();
  });

  it('keeps the unmet requirements of a refused retarget', async () => {
    const unmet = [
      {
        requirement: 'gpu-type',
        field: 'resources.gpu.type',
        message: "cluster 'lambda-h200' has no H100 GPUs",
      },
    ];
    const { client } = clientAnswering(() => ({
      status: 409,
      body: {
        error: {
          name: 'ConflictError',
          message: `cluster 'lambda-h200' cannot run this deployment: resources.gpu.type: cluster 'lambda-h200' has no H100 GPUs`,
        },
        unmet,
      },
    }));
    const error = await client
      .retargetDeployment('ml-a', 'llama', 'lambda-h200')
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(409);
    expect(errorMessage(error)).toBe(
      "cluster 'lambda-h200' cannot run this deployment: resources.gpu.type: cluster 'lambda-h200' has no H100 GPUs",
    );
    expect(unmetRequirementsOf(error)).toEqual(unmet);
  });

  it('reads a pod log as text through the kube proxy, and its Status message when refused', async () => {
    const { client, calls } = clientAnswering(url =>
      url.pathname.endsWith('/gone/log')
        ? {
            status: 404,
            body: {
              kind: 'Status',
              apiVersion: 'v1',
              status: 'Failure',
              message: 'pods "gone" not found',
              reason: 'NotFound',
              code: 404,
            },
          }
        : {
            status: 200,
            body: 'INFO: Started server process\nINFO: Uvicorn running\n',
            contentType: 'text/plain',
          },
    );
    expect(
      await client.getPodLog('eks-p5', 'ml-training', 'llama-7d9f-a1', {
        container: 'vllm',
        tailLines: 500,
      }),
    ).toBe('INFO: Started server process\nINFO: Uvicorn running\n');
    expect(`${calls[0].url.pathname}${calls[0].url.search}`).toBe(
      '/api/gpu-fleet/clusters/eks-p5/proxy/api/v1/namespaces/ml-training/pods/llama-7d9f-a1/log?tailLines=500&container=vllm',
    );
    const error = await client
      .getPodLog('eks-p5', 'ml-training', 'gone')
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(404);
    expect(errorMessage(error)).toBe('pods "gone" not found');
  });

  it('keeps the text of an answer that is not JSON', async () => {
    const { client } = clientAnswering(() => ({
      status: 502,
      body: 'Bad Gateway',
      contentType: 'text/html',
    }));
    const error = await client.getDeployment('ml-a', 'llama').catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(502);
    expect(errorMessage(error)).toBe(
      'Request failed with status 502: Bad Gateway',
    );
  });
});
