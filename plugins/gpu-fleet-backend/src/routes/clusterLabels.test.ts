import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import request from 'supertest';
import { gpuFleetPlugin } from '../plugin';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const auth = () => `Bearer ${mockCredentials.user.token()}`;

async function startRegistry(databaseId: TestDatabaseId) {
  const knex = await databases.init(databaseId);
  const { server } = await startTestBackend({
    features: [
      gpuFleetPlugin,
      mockServices.database.factory({ knex }),
      mockServices.rootConfig.factory({
        data: {
          backend: { baseUrl: 'https://portal.example.com' },
          gpuFleet: {
            agent: { chart: 'oci://charts.example.com/gpu-fleet-agent' },
          },
        },
      }),
    ],
  });
  const api = request(server);
  // Raw JSON text, so "__proto__" reaches the server as an own key, the way
  // curl or any HTTP client would send it (a JS object literal would not).
  const sendJson = (method: 'post' | 'patch', path: string, json: string) =>
    api[method](`/api/gpu-fleet${path}`)
      .set('Authorization', auth())
      .set('Content-Type', 'application/json')
      .send(json);
  const get = (path: string) =>
    api.get(`/api/gpu-fleet${path}`).set('Authorization', auth());
  return { sendJson, get, knex };
}

/** Everything a refused request must leave as it was. */
async function storedRows(knex: Knex): Promise<string> {
  return JSON.stringify([
    await knex('gpu_fleet_clusters').select().orderBy('name'),
    await knex('gpu_fleet_cluster_tokens').select().orderBy('id'),
    await knex('gpu_fleet_audit_log').select().orderBy('id'),
  ]);
}

describe.each(databases.eachSupportedId())(
  'cluster labels through the API on %s',
  databaseId => {
    it('refuses a "__proto__" label key at attach with a 400 naming it, and writes nothing', async () => {
      const { sendJson, get, knex } = await startRegistry(databaseId);
      const res = await sendJson(
        'post',
        '/clusters',
        '{"name":"proto-labels","provider":"eks","labels":{"team":"ml","__proto__":"x"}}',
      );
      expect(res.status).toBe(400);
      expect(res.body.error.name).toBe('InputError');
      expect(res.body.error.message).toMatch(
        /^labels\.__proto__: is not a valid label key/,
      );
      expect((await get('/clusters/proto-labels')).status).toBe(404);
      expect(await storedRows(knex)).toBe('[[],[],[]]');
    });

    it.each([
      ['a string', '"x"'],
      ['an object', '{"team":"other"}'],
    ])(
      'refuses a PATCH whose labels hold "__proto__" as %s, keeping the labels and the audit log',
      async (_, value) => {
        const { sendJson, get, knex } = await startRegistry(databaseId);
        const attached = await sendJson(
          'post',
          '/clusters',
          '{"name":"eks-p5","provider":"eks","labels":{"team":"ml-platform","gpu-fleet.io/tier":"gold"}}',
        );
        expect(attached.status).toBe(201);
        const before = await storedRows(knex);
        const auditBefore = (await get('/clusters/eks-p5/audit')).body.items;
        expect(auditBefore).toHaveLength(1);

        const res = await sendJson(
          'patch',
          '/clusters/eks-p5',
          `{"labels":{"__proto__":${value}}}`,
        );
        expect(res.status).toBe(400);
        expect(res.body.error.name).toBe('InputError');
        expect(res.body.error.message).toMatch(
          /^labels\.__proto__: is not a valid label key/,
        );

        const cluster = await get('/clusters/eks-p5');
        expect(cluster.body.labels).toEqual({
          team: 'ml-platform',
          'gpu-fleet.io/tier': 'gold',
        });
        expect((await get('/clusters/eks-p5/audit')).body.items).toEqual(
          auditBefore,
        );
        expect(await storedRows(knex)).toBe(before);
      },
    );

    it('stores "constructor" and "prototype" label keys as ordinary labels', async () => {
      const { sendJson, get } = await startRegistry(databaseId);
      await sendJson(
        'post',
        '/clusters',
        '{"name":"eks-p5","provider":"eks","labels":{"team":"ml"}}',
      ).expect(201);
      const res = await sendJson(
        'patch',
        '/clusters/eks-p5',
        '{"labels":{"constructor":"a","prototype":"b"}}',
      );
      expect(res.status).toBe(200);
      expect((await get('/clusters/eks-p5')).body.labels).toEqual({
        constructor: 'a',
        prototype: 'b',
      });
    });
  },
);
