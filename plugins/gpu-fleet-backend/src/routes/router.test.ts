import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import request from 'supertest';
import {
  ALICE,
  FleetCallers,
  startFleetBackend,
} from '../__testUtils__/startFleetBackend';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

async function startRegistry(databaseId: TestDatabaseId) {
  const knex = await databases.init(databaseId);
  const fleet = await startFleetBackend({
    knex,
    config: {
      backend: { baseUrl: 'https://portal.example.com' },
      gpuFleet: {
        agent: { chart: 'oci://charts.example.com/gpu-fleet-agent' },
      },
    },
  });
  /** A client sending this Authorization header, or none. */
  const as = (authorization?: string) => {
    const agent = request.agent(fleet.server);
    return authorization ? agent.set('Authorization', authorization) : agent;
  };
  return { api: as(fleet.as.alice), as, callers: fleet.as, knex };
}

const lambdaCluster = {
  name: 'lambda-h200-pool',
  displayName: 'Lambda H200 pool',
  provider: 'lambda',
  region: 'us-east-3',
  labels: { team: 'ml-platform' },
  addons: ['mpi-operator', 'kueue', 'cert-manager'],
};

/** Rows in the tables a refused request must leave untouched. */
async function writtenRows(knex: Knex): Promise<number> {
  const tables = [
    'gpu_fleet_clusters',
    'gpu_fleet_cluster_tokens',
    'gpu_fleet_audit_log',
  ];
  const counts = await Promise.all(tables.map(t => knex(t).count({ n: '*' })));
  return counts.reduce((sum, [row]) => sum + Number(row.n), 0);
}

async function tableContents(knex: Knex): Promise<string> {
  const tables = [
    'gpu_fleet_clusters',
    'gpu_fleet_cluster_tokens',
    'gpu_fleet_prerequisite_results',
    'gpu_fleet_audit_log',
  ];
  const rows = await Promise.all(tables.map(t => knex(t).select()));
  return JSON.stringify(rows);
}

describe.each(databases.eachSupportedId())(
  'cluster registry API on %s',
  databaseId => {
    it('attaches a cluster and shows its token and install command once', async () => {
      const { api, knex } = await startRegistry(databaseId);

      const attached = await api
        .post('/api/gpu-fleet/clusters')
        .send(lambdaCluster);
      expect(attached.status).toBe(201);
      const { cluster, token, install, warnings } = attached.body;
      expect(cluster).toMatchObject({
        name: 'lambda-h200-pool',
        provider: 'lambda',
        status: 'pending',
        region: 'us-east-3',
        labels: { team: 'ml-platform' },
        addons: ['mpi-operator', 'kueue', 'cert-manager'],
        createdBy: ALICE,
      });
      expect(token).toMatch(/^gfct_[A-Za-z0-9_-]{43}$/);
      expect(warnings).toEqual([]);
      expect(install.command).toContain(
        'helm upgrade --install gpu-fleet-agent',
      );
      expect(install.command).toContain(
        'oci://charts.example.com/gpu-fleet-agent',
      );
      expect(install.command).toContain(
        '--namespace gpu-fleet --create-namespace',
      );
      expect(install.command).toContain('clusterName=lambda-h200-pool');
      expect(install.command).toContain(
        'controlPlaneURL=wss://portal.example.com/api/gpu-fleet/agent/connect',
      );
      expect(install.command).toContain(token);
      expect(install.command).toContain('addons.mpi-operator.enabled=true');
      expect(install.command).toContain('addons.gpu-operator.enabled=false');
      expect(install.valuesYaml).toContain(token);

      const fetched = await api.get('/api/gpu-fleet/clusters/lambda-h200-pool');
      expect(fetched.status).toBe(200);
      expect(fetched.body).toEqual(cluster);
      expect(JSON.stringify(fetched.body)).not.toContain(token);

      // Only a hash is kept: no table holds the token itself.
      expect(await tableContents(knex)).not.toContain(token);
      expect(await tableContents(knex)).not.toContain(token.slice(5));
    });

    it('defaults the add-ons from the provider profile, leaving out what it manages', async () => {
      const { api } = await startRegistry(databaseId);
      const res = await api
        .post('/api/gpu-fleet/clusters')
        .send({ name: 'cw-h100', provider: 'coreweave' });
      expect(res.status).toBe(201);
      expect(res.body.cluster.addons.length).toBeGreaterThan(0);
      expect(res.body.cluster.addons).not.toContain('gpu-operator');
      expect(res.body.install.command).toContain(
        'addons.gpu-operator.enabled=false',
      );
    });

    it('refuses a managed add-on unless overridden, and warns when overridden', async () => {
      const { api } = await startRegistry(databaseId);
      const refused = await api.post('/api/gpu-fleet/clusters').send({
        name: 'cw-h100',
        provider: 'coreweave',
        addons: ['cert-manager', 'gpu-operator'],
      });
      expect(refused.status).toBe(400);
      expect(refused.body.error.message).toContain('addons[1]');
      expect(refused.body.error.message).toContain('overrideManagedAddons');
      expect((await api.get('/api/gpu-fleet/clusters')).body.totalCount).toBe(
        0,
      );

      const overridden = await api.post('/api/gpu-fleet/clusters').send({
        name: 'cw-h100',
        provider: 'coreweave',
        addons: ['gpu-operator'],
        overrideManagedAddons: ['gpu-operator'],
      });
      expect(overridden.status).toBe(201);
      expect(overridden.body.cluster.addons).toEqual(['gpu-operator']);
      expect(overridden.body.warnings).toHaveLength(1);
      expect(overridden.body.warnings[0]).toMatch(/GPU Operator/i);
    });

    it.each([
      ['a malformed name', { name: 'Lambda_H200', provider: 'lambda' }, 'name'],
      [
        'a name longer than a DNS label',
        { name: 'a'.repeat(64), provider: 'lambda' },
        'name',
      ],
      [
        'an unknown provider',
        { name: 'x1', provider: 'digitalocean' },
        'provider',
      ],
      [
        'an unknown add-on',
        { name: 'x1', provider: 'eks', addons: ['keda', 'linkerd'] },
        'addons[1]',
      ],
      [
        'an unknown field',
        { name: 'x1', provider: 'eks', colour: 'red' },
        'colour',
      ],
      [
        'an oversized body',
        { name: 'x1', provider: 'eks', description: 'x'.repeat(70_000) },
        '(body)',
      ],
    ])(
      'answers %s with a 400 naming the field and writes nothing',
      async (_, body, field) => {
        const { api, knex } = await startRegistry(databaseId);
        const res = await api.post('/api/gpu-fleet/clusters').send(body);
        expect(res.status).toBe(400);
        expect(res.body.error.name).toBe('InputError');
        expect(res.body.error.message.startsWith(`${field}: `)).toBe(true);
        expect(await writtenRows(knex)).toBe(0);
      },
    );

    it('refuses a second cluster with the same name', async () => {
      const { api } = await startRegistry(databaseId);
      await api.post('/api/gpu-fleet/clusters').send(lambdaCluster).expect(201);
      const again = await api
        .post('/api/gpu-fleet/clusters')
        .send(lambdaCluster);
      expect(again.status).toBe(409);
      expect(again.body.error.message).toContain('name');
    });

    it('lists clusters filtered by provider and status, a page at a time', async () => {
      const { api } = await startRegistry(databaseId);
      for (const [name, provider] of [
        ['eks-p5-a', 'eks'],
        ['eks-p5-b', 'eks'],
        ['eks-p5-c', 'eks'],
        ['oke-bm-h100', 'oke'],
      ]) {
        await api
          .post('/api/gpu-fleet/clusters')
          .send({ name, provider })
          .expect(201);
      }
      await api
        .post('/api/gpu-fleet/clusters/eks-p5-c/token/revoke')
        .expect(200);

      const page1 = await api.get(
        '/api/gpu-fleet/clusters?provider=eks&limit=2',
      );
      expect(page1.body.totalCount).toBe(3);
      expect(page1.body.items.map((c: any) => c.name)).toEqual([
        'eks-p5-a',
        'eks-p5-b',
      ]);
      const page2 = await api.get(
        '/api/gpu-fleet/clusters?provider=eks&limit=2&offset=2',
      );
      expect(page2.body.items.map((c: any) => c.name)).toEqual(['eks-p5-c']);

      const pending = await api.get('/api/gpu-fleet/clusters?status=pending');
      expect(pending.body.items.map((c: any) => c.name)).toEqual([
        'eks-p5-a',
        'eks-p5-b',
        'oke-bm-h100',
      ]);
      const bad = await api.get('/api/gpu-fleet/clusters?status=sleeping');
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toContain('status');
    });

    it('updates add-ons, labels and description and records who did it', async () => {
      const { api } = await startRegistry(databaseId);
      await api.post('/api/gpu-fleet/clusters').send(lambdaCluster).expect(201);

      const updated = await api
        .patch('/api/gpu-fleet/clusters/lambda-h200-pool')
        .send({
          addons: ['mpi-operator', 'kuberay'],
          labels: { team: 'research', 'gpu-fleet.io/tier': 'gold' },
          description: 'H200 pool for research',
        });
      expect(updated.status).toBe(200);
      expect(updated.body.cluster).toMatchObject({
        addons: ['mpi-operator', 'kuberay'],
        labels: { team: 'research', 'gpu-fleet.io/tier': 'gold' },
        description: 'H200 pool for research',
      });

      const refused = await api
        .patch('/api/gpu-fleet/clusters/lambda-h200-pool')
        .send({ addons: ['gpu-operator'] });
      expect(refused.status).toBe(400);
      expect(refused.body.error.message).toContain('addons[0]');

      const audit = await api.get(
        '/api/gpu-fleet/clusters/lambda-h200-pool/audit',
      );
      expect(audit.body.items.map((e: any) => e.action)).toEqual([
        'cluster.updated',
        'cluster.attached',
      ]);
      expect(audit.body.items[0]).toMatchObject({
        actor: ALICE,
        details: {
          addons: {
            from: ['mpi-operator', 'kueue', 'cert-manager'],
            to: ['mpi-operator', 'kuberay'],
          },
        },
      });
    });

    it('rotates and revokes tokens, and detaches while keeping history', async () => {
      const { api, knex } = await startRegistry(databaseId);
      const attached = await api
        .post('/api/gpu-fleet/clusters')
        .send(lambdaCluster);
      const first = attached.body.token;

      const rotated = await api.post(
        '/api/gpu-fleet/clusters/lambda-h200-pool/token/rotate',
      );
      expect(rotated.status).toBe(200);
      expect(rotated.body.token).not.toBe(first);
      expect(rotated.body.install.command).toContain(rotated.body.token);

      const revoked = await api.post(
        '/api/gpu-fleet/clusters/lambda-h200-pool/token/revoke',
      );
      expect(revoked.body.status).toBe('revoked');
      const twice = await api.post(
        '/api/gpu-fleet/clusters/lambda-h200-pool/token/revoke',
      );
      expect(twice.status).toBe(409);

      const detached = await api.delete(
        '/api/gpu-fleet/clusters/lambda-h200-pool',
      );
      expect(detached.status).toBe(200);
      expect(detached.body.detachedAt).toEqual(expect.any(String));
      const after = await api.get('/api/gpu-fleet/clusters/lambda-h200-pool');
      expect(after.body.status).toBe('revoked');
      const audit = await api.get(
        '/api/gpu-fleet/clusters/lambda-h200-pool/audit',
      );
      expect(audit.body.items.map((e: any) => e.action)).toEqual([
        'cluster.detached',
        'token.revoked',
        'token.rotated',
        'cluster.attached',
      ]);
      const secrets = await tableContents(knex);
      expect(secrets).not.toContain(first);
      expect(secrets).not.toContain(rotated.body.token);

      // A detached name can be attached again, with a fresh token.
      const again = await api
        .post('/api/gpu-fleet/clusters')
        .send(lambdaCluster);
      expect(again.status).toBe(201);
      expect(again.body.cluster.status).toBe('pending');
    });

    it('reports every prerequisite check with advice, unknown until the agent reports', async () => {
      const { api } = await startRegistry(databaseId);
      await api.post('/api/gpu-fleet/clusters').send(lambdaCluster).expect(201);
      const res = await api.get(
        '/api/gpu-fleet/clusters/lambda-h200-pool/prerequisites',
      );
      expect(res.status).toBe(200);
      expect(res.body.checks.map((c: any) => c.id)).toEqual([
        'kubernetes-version',
        'node-headroom',
        'registry-egress',
        'wildcard-domain-tls',
        'ingress',
        'storage-classes',
        'image-registry',
        'node-labels',
        'workspace-rights',
      ]);
      for (const check of res.body.checks) {
        expect(check.status).toBe('unknown');
        expect(check.advice.length).toBeGreaterThan(20);
      }
    });

    it('answers 404 for an unknown cluster and 400 for a name that is not a DNS label', async () => {
      const { api } = await startRegistry(databaseId);
      const missing = await api.get('/api/gpu-fleet/clusters/nope');
      expect(missing.status).toBe(404);
      const bad = await api.get('/api/gpu-fleet/clusters/NOT_A_LABEL');
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(/^name:/);
    });

    it('answers 403 to a user the policy denies, and writes nothing', async () => {
      const { as, callers, knex } = await startRegistry(databaseId);
      // Bob may read clusters but not attach them; Carol may do neither.
      const attach = await as(callers.bob)
        .post('/api/gpu-fleet/clusters')
        .send(lambdaCluster);
      expect(attach.status).toBe(403);
      expect(attach.body.error).toMatchObject({
        name: 'NotAllowedError',
        message: 'not allowed: gpu-fleet.cluster.attach',
      });
      expect(
        (await as(callers.carol).get('/api/gpu-fleet/clusters')).status,
      ).toBe(403);
      expect(
        (await as(callers.bob).get('/api/gpu-fleet/clusters')).status,
      ).toBe(200);
      expect(await writtenRows(knex)).toBe(0);
    });

    it('refuses every cluster route without a valid token (401) or permission (403), and lets the allowed user through', async () => {
      const { api, as, callers, knex } = await startRegistry(databaseId);
      await api.post('/api/gpu-fleet/clusters').send(lambdaCluster).expect(201);
      const name = lambdaCluster.name;
      // In an order Alice can run one after another; `denied` lacks the permission.
      const routes: Array<{
        method: 'get' | 'post' | 'patch' | 'delete';
        path: string;
        body?: object;
        denied: keyof FleetCallers;
        allowed: number;
      }> = [
        {
          method: 'post',
          path: '/clusters',
          body: { name: 'eks-p5', provider: 'eks' },
          denied: 'bob',
          allowed: 201,
        },
        { method: 'get', path: '/clusters', denied: 'carol', allowed: 200 },
        {
          method: 'get',
          path: `/clusters/${name}`,
          denied: 'carol',
          allowed: 200,
        },
        {
          method: 'get',
          path: `/clusters/${name}/prerequisites`,
          denied: 'carol',
          allowed: 200,
        },
        {
          method: 'get',
          path: `/clusters/${name}/audit`,
          denied: 'carol',
          allowed: 200,
        },
        {
          method: 'patch',
          path: `/clusters/${name}`,
          body: { description: 'H200s' },
          denied: 'bob',
          allowed: 200,
        },
        {
          method: 'post',
          path: `/clusters/${name}/token/rotate`,
          denied: 'bob',
          allowed: 200,
        },
        {
          method: 'post',
          path: `/clusters/${name}/token/revoke`,
          denied: 'bob',
          allowed: 200,
        },
        {
          method: 'delete',
          path: `/clusters/${name}`,
          denied: 'bob',
          allowed: 200,
        },
      ];
      for (const route of routes) {
        const send = (authorization?: string) =>
          as(authorization)
            [route.method](`/api/gpu-fleet${route.path}`)
            .send(route.body);
        const before = await tableContents(knex);
        for (const refused of [undefined, callers.forged, callers.expired]) {
          const res = await send(refused);
          expect([
            route.method,
            route.path,
            res.status,
            res.body.error?.name,
          ]).toEqual([route.method, route.path, 401, 'AuthenticationError']);
        }
        const denied = await send(callers[route.denied]);
        expect([route.method, route.path, denied.status]).toEqual([
          route.method,
          route.path,
          403,
        ]);
        expect(await tableContents(knex)).toEqual(before);

        const allowed = await send(callers.alice);
        expect([route.method, route.path, allowed.status]).toEqual([
          route.method,
          route.path,
          route.allowed,
        ]);
      }
    });
  },
);
