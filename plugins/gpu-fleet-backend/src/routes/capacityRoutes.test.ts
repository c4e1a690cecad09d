import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import {
  InventoryReport,
  NodeInventory,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { SchedulerServiceTaskScheduleDefinition } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import request from 'supertest';
import { gpuNode } from '../__testUtils__/gpuNode';
import { startFleetBackend } from '../__testUtils__/startFleetBackend';
import { connectAnsweringAgent, TestAgent } from '../__testUtils__/testAgent';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

function report(agent: TestAgent, body: InventoryReport | unknown) {
  agent.send({
    type: 'Report',
    streamId: 0,
    payload: { kind: 'inventory', body },
  });
}

const capacityConfig = {
  currency: 'EUR',
  prices: [
    { gpuType: 'H100', perGpuHour: 3 },
    { provider: 'lambda', gpuType: 'H200', perGpuHour: 4 },
  ],
  history: { interval: { seconds: 30 } },
};

type ScheduledTask = SchedulerServiceTaskScheduleDefinition & {
  id: string;
  fn: (signal: AbortSignal) => void | Promise<void>;
};

describe.each(databases.eachSupportedId())('capacity API on %s', databaseId => {
  let knex: Knex;

  let user: string;

  async function start() {
    // Held here so a test runs the sampler itself instead of waiting for it.
    const tasks: ScheduledTask[] = [];
    const fleet = await startFleetBackend({
      knex,
      config: {
        backend: { baseUrl: 'http://localhost:7007' },
        gpuFleet: { capacity: capacityConfig },
      },
      features: [
        mockServices.scheduler.mock({
          scheduleTask: async task => {
            tasks.push(task);
          },
        }).factory,
      ],
    });
    // Alice may read capacity; so may Bob, the viewer.
    user = fleet.as.alice;
    const api = request(fleet.server);
    return {
      backend: fleet.backend,
      api,
      port: fleet.port,
      tasks,
      callers: fleet.as,
    };
  }

  async function attach(
    api: ReturnType<typeof request>,
    name: string,
    provider: string,
  ) {
    const res = await api
      .post('/api/gpu-fleet/clusters')
      .set('Authorization', user)
      .send({ name, provider });
    expect(res.status).toBe(201);
    return res.body.token as string;
  }

  async function capacityOf(api: ReturnType<typeof request>, query = '') {
    const res = await api
      .get(`/api/gpu-fleet/capacity${query}`)
      .set('Authorization', user);
    expect(res.status).toBe(200);
    return res.body;
  }

  async function eventually(assertion: () => Promise<void>) {
    for (let i = 0; ; i++) {
      try {
        await assertion();
        return;
      } catch (error) {
        if (i > 100) throw error;
        await new Promise(r => setTimeout(r, 50));
      }
    }
  }

  beforeEach(async () => {
    knex = await databases.init(databaseId);
  });

  it('sums what agents report per provider and GPU type, with cost, and follows deltas', async () => {
    const { api, port } = await start();
    const eksToken = await attach(api, 'eks-a', 'eks');
    const eksToken2 = await attach(api, 'eks-b', 'eks');
    const lambdaToken = await attach(api, 'lambda-a', 'lambda');
    const eks = await connectAnsweringAgent(port, 'eks-a', eksToken, 'a');
    const eks2 = await connectAnsweringAgent(port, 'eks-b', eksToken2, 'b');
    const lambda = await connectAnsweringAgent(
      port,
      'lambda-a',
      lambdaToken,
      'l',
    );
    report(eks, {
      type: 'snapshot',
      seq: 1,
      nodes: [
        gpuNode('a1', { gpuAllocated: 8 }),
        gpuNode('a2', { capacityType: 'spot' }),
      ],
    });
    report(eks2, {
      type: 'snapshot',
      seq: 1,
      nodes: [gpuNode('b1', { gpuAllocated: 2, schedulable: false })],
    });
    report(lambda, {
      type: 'snapshot',
      seq: 4,
      nodes: [
        gpuNode('l1', { gpuType: 'H200', gpuAllocated: 4 }),
        gpuNode('cpu-0', { gpuType: null, gpuVendor: null, gpuCount: 0 }),
      ],
    });

    await eventually(async () => {
      const body = await capacityOf(api, '?groupBy=provider,gpuType');
      expect(body.rows).toEqual([
        expect.objectContaining({
          key: { provider: 'eks', gpuType: 'H100' },
          total: 24,
          allocated: 10,
          free: 8,
          unavailable: 6,
          nodes: 3,
          clusters: 2,
          allocatedCostPerHour: 30,
          idleCostPerHour: 24,
        }),
        expect.objectContaining({
          key: { provider: 'lambda', gpuType: 'H200' },
          total: 8,
          allocated: 4,
          free: 4,
          allocatedCostPerHour: 16,
        }),
      ]);
      expect(body.totals).toMatchObject({ total: 32, clusters: 3 });
      expect(body.currency).toBe('EUR');
    });

    // Filters, and the pooled totals follow them.
    const spot = await capacityOf(api, '?groupBy=cluster&capacityType=spot');
    expect(spot.rows).toEqual([
      expect.objectContaining({ key: { cluster: 'eks-a' }, total: 8 }),
    ]);
    expect(spot.totals).toMatchObject({ total: 8, free: 8 });

    // A pod lands on a2: the delta names only that node.
    report(eks, {
      type: 'delta',
      seq: 2,
      upserts: [gpuNode('a2', { capacityType: 'spot', gpuAllocated: 4 })],
      removed: [],
    });
    await eventually(async () => {
      const body = await capacityOf(api, '?groupBy=cluster&cluster=eks-a');
      expect(body.rows[0]).toMatchObject({ allocated: 12, free: 4 });
    });

    const inventory = await api
      .get('/api/gpu-fleet/clusters/eks-a/inventory')
      .set('Authorization', user);
    expect(inventory.body.nodes.map((n: NodeInventory) => n.name)).toEqual([
      'a1',
      'a2',
    ]);
    expect(inventory.body.reportedAt).toEqual(expect.any(String));
  });

  it('closes the session on a lost delta, and the next session starts from a snapshot', async () => {
    const { api, port } = await start();
    const token = await attach(api, 'eks-a', 'eks');
    const agent = await connectAnsweringAgent(port, 'eks-a', token, 'a');
    report(agent, { type: 'snapshot', seq: 1, nodes: [gpuNode('a1')] });
    report(agent, {
      type: 'delta',
      seq: 3,
      upserts: [gpuNode('a1', { gpuAllocated: 8 })],
      removed: [],
    });
    await expect(agent.closed).resolves.toEqual({
      code: 1008,
      reason: 'frame.payload.body.seq: expected 2, got 3; a report was lost',
    });
    // The lost delta changed nothing.
    expect((await capacityOf(api)).totals).toMatchObject({
      total: 8,
      allocated: 0,
    });

    const again = await connectAnsweringAgent(port, 'eks-a', token, 'a');
    report(again, {
      type: 'delta',
      seq: 4,
      upserts: [],
      removed: ['a1'],
    });
    await expect(again.closed).resolves.toMatchObject({
      reason:
        'frame.payload.body.seq: a delta arrived before the session snapshot',
    });
  });

  it('refuses a malformed report naming the field, and keeps the last good inventory', async () => {
    const { api, port } = await start();
    const token = await attach(api, 'eks-a', 'eks');
    const agent = await connectAnsweringAgent(port, 'eks-a', token, 'a');
    report(agent, { type: 'snapshot', seq: 1, nodes: [gpuNode('a1')] });
    report(agent, {
      type: 'snapshot',
      seq: 2,
      nodes: [{ ...gpuNode('a2'), gpuCount: -1 }],
    });
    const closed = await agent.closed;
    expect(closed.code).toBe(1008);
    expect(closed.reason).toMatch(
      /^frame\.payload\.body\.nodes\[0\]\.gpuCount: /,
    );
    const body = await capacityOf(api, '?groupBy=cluster');
    expect(body.totals.total).toBe(8);
  });

  it('serves the capacity history the sampler recorded, summed per group and filtered', async () => {
    const { api, port, tasks } = await start();
    const sampler = tasks.find(t => t.id === 'gpu-fleet-capacity-history');
    expect(sampler?.frequency).toEqual({ milliseconds: 30_000 });
    const agents = [];
    for (const [name, provider] of [
      ['eks-a', 'eks'],
      ['eks-b', 'eks'],
      ['lambda-a', 'lambda'],
    ]) {
      const token = await attach(api, name, provider);
      agents.push(await connectAnsweringAgent(port, name, token, name));
    }
    const [eksA, eksB, lambda] = agents;
    report(eksA, {
      type: 'snapshot',
      seq: 1,
      nodes: [gpuNode('a1', { gpuAllocated: 2 })],
    });
    report(eksB, { type: 'snapshot', seq: 1, nodes: [gpuNode('b1')] });
    report(lambda, {
      type: 'snapshot',
      seq: 1,
      nodes: [gpuNode('l1', { gpuType: 'H200', gpuAllocated: 8 })],
    });
    await eventually(async () => {
      expect((await capacityOf(api)).totals.total).toBe(24);
    });

    const from = new Date().toISOString();
    await sampler!.fn(new AbortController().signal);
    report(eksA, {
      type: 'delta',
      seq: 2,
      upserts: [gpuNode('a1', { gpuAllocated: 8 })],
      removed: [],
    });
    await eventually(async () => {
      expect((await capacityOf(api)).totals.allocated).toBe(16);
    });
    // Two runs within one millisecond would record one instant.
    await new Promise(resolve => setTimeout(resolve, 5));
    await sampler!.fn(new AbortController().signal);
    const to = new Date().toISOString();

    const history = async (query: string) => {
      const res = await api
        .get(`/api/gpu-fleet/capacity/history?from=${from}&to=${to}${query}`)
        .set('Authorization', user);
      expect(res.status).toBe(200);
      return res.body;
    };
    const byProvider = await history('&groupBy=provider');
    expect(byProvider).toEqual({
      intervalSeconds: 30,
      series: [
        {
          key: { provider: 'eks' },
          points: [
            { at: expect.any(String), total: 16, allocated: 2, free: 14 },
            { at: expect.any(String), total: 16, allocated: 8, free: 8 },
          ],
        },
        {
          key: { provider: 'lambda' },
          points: [
            { at: expect.any(String), total: 8, allocated: 8, free: 0 },
            { at: expect.any(String), total: 8, allocated: 8, free: 0 },
          ],
        },
      ],
    });
    const [first, second] = byProvider.series[0].points;
    expect(Date.parse(first.at)).toBeLessThan(Date.parse(second.at));

    const h100 = await history('&groupBy=cluster,gpuType&gpuType=H100');
    expect(
      h100.series.map(
        (s: { key: object; points: Array<{ allocated: number }> }) => [
          s.key,
          s.points.map(p => p.allocated),
        ],
      ),
    ).toEqual([
      [{ cluster: 'eks-a', gpuType: 'H100' }, [2, 8]],
      [{ cluster: 'eks-b', gpuType: 'H100' }, [0, 0]],
    ]);

    // Ungrouped: the pooled fleet, one point per run.
    const pooled = await history('&cluster=eks-b,lambda-a');
    expect(pooled.series).toEqual([
      {
        key: {},
        points: [
          { at: first.at, total: 16, allocated: 8, free: 8 },
          { at: second.at, total: 16, allocated: 8, free: 8 },
        ],
      },
    ]);
  });

  it('keeps the inventory across a restart and forgets a detached cluster', async () => {
    const first = await start();
    const token = await attach(first.api, 'eks-a', 'eks');
    const agent = await connectAnsweringAgent(first.port, 'eks-a', token, 'a');
    report(agent, {
      type: 'snapshot',
      seq: 1,
      nodes: [gpuNode('a1', { gpuAllocated: 3 })],
    });
    await eventually(async () => {
      expect((await capacityOf(first.api)).totals.allocated).toBe(3);
    });
    await first.backend.stop();

    const second = await start();
    expect((await capacityOf(second.api)).totals).toMatchObject({
      total: 8,
      allocated: 3,
    });
    const detached = await second.api
      .delete('/api/gpu-fleet/clusters/eks-a')
      .set('Authorization', user);
    expect(detached.status).toBe(200);
    await eventually(async () => {
      expect((await capacityOf(second.api)).rows).toEqual([]);
    });
  });

  it('answers 400 naming the query field, 404 for an unknown cluster, 401 without a valid token, 403 without permission', async () => {
    const { api, callers } = await start();
    const bad = async (query: string) =>
      (await api.get(`/api/gpu-fleet${query}`).set('Authorization', user)).body
        .error?.message;
    expect(await bad('/capacity?groupBy=provider,foo')).toBe(
      'groupBy: unknown value "foo"; use provider, gpuType, cluster, nodePool, capacityType',
    );
    expect(await bad('/capacity?provider=aws')).toMatch(
      /^provider: unknown value "aws"/,
    );
    expect(await bad('/capacity?gpuType=')).toBe('gpuType: must not be empty');
    expect(await bad('/capacity/history?from=yesterday')).toBe(
      'from: not an ISO 8601 date',
    );
    expect(await bad('/capacity/history?groupBy=nodePool')).toMatch(
      /^groupBy: unknown value "nodePool"/,
    );
    expect(
      await bad(
        '/capacity/history?from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z',
      ),
    ).toBe('from: must not be after to');
    expect(await bad('/capacity/history?capacityType=spot')).toMatch(
      /^capacityType: /,
    );
    const missing = await api
      .get('/api/gpu-fleet/clusters/nowhere/inventory')
      .set('Authorization', user);
    expect(missing.status).toBe(404);

    for (const path of [
      '/capacity',
      '/capacity/history',
      '/clusters/nowhere/inventory',
    ]) {
      const as = async (authorization?: string) => {
        const req = api.get(`/api/gpu-fleet${path}`);
        return (
          authorization ? req.set('Authorization', authorization) : req
        ).then(res => [path, res.status]);
      };
      for (const refused of [undefined, callers.forged, callers.expired]) {
        expect(await as(refused)).toEqual([path, 401]);
      }
      // Carol is signed in but has no capacity permission.
      expect(await as(callers.carol)).toEqual([path, 403]);
      // Bob, a viewer, may read capacity.
      expect(await as(callers.bob)).toEqual([
        path,
        path.includes('nowhere') ? 404 : 200,
      ]);
    }
  });
});
