import {
  AuthService,
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { TestDatabases } from '@backstage/backend-test-utils';
import { Frame } from '@gpu-fleet/plugin-gpu-fleet-common';
import { TestUserTokens } from '@gpu-fleet/plugin-gpu-fleet-node/testUtils';
import { Knex } from 'knex';
import request from 'supertest';
import { startFleetBackend } from '../__testUtils__/startFleetBackend';
import {
  connectAnsweringAgent,
  connectTestAgent,
  helloFrame,
} from '../__testUtils__/testAgent';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
// Alice's token, set by startTwo(); both replicas accept it.
let user: string;

function dataText(frame: Frame): string {
  if (frame.type !== 'Data')
    throw new Error(`expected Data, got ${frame.type}`);
  return Buffer.from(frame.payload).toString();
}

/** Two backend replicas sharing one database, as behind a load balancer. */
describe.each(databases.eachSupportedId())(
  'several backend replicas on %s',
  databaseId => {
    async function startReplica(knex: Knex, tokens: TestUserTokens) {
      // Another plugin of the same backend, for its real service identity.
      let otherAuth!: AuthService;
      const other = createBackendPlugin({
        pluginId: 'other',
        register(env) {
          env.registerInit({
            deps: {
              auth: coreServices.auth,
              httpRouter: coreServices.httpRouter,
            },
            async init({ auth }) {
              otherAuth = auth;
            },
          });
        },
      });
      const fleet = await startFleetBackend({
        knex,
        tokens,
        features: [other],
        config: { backend: { baseUrl: 'http://localhost:7007' } },
      });
      return {
        backend: fleet.backend,
        port: fleet.port,
        api: request(fleet.server),
        callers: fleet.as,
        /** A token the other plugin would send to gpu-fleet. */
        otherPluginToken: async () =>
          (
            await otherAuth.getPluginRequestToken({
              onBehalfOf: await otherAuth.getOwnServiceCredentials(),
              targetPluginId: 'gpu-fleet',
            })
          ).token,
      };
    }

    async function startTwo() {
      const knex = await databases.init(databaseId);
      // One sign-in for the portal, whichever replica a request lands on.
      const tokens = await TestUserTokens.create();
      const a = await startReplica(knex, tokens);
      const b = await startReplica(knex, tokens);
      user = a.callers.alice;
      const attached = await a.api
        .post('/api/gpu-fleet/clusters')
        .set('Authorization', user)
        .send({ name: 'eks-p5', provider: 'eks' });
      expect(attached.status).toBe(201);
      return { a, b, knex, token: attached.body.token as string };
    }

    const nodes = '/api/gpu-fleet/clusters/eks-p5/proxy/api/v1/nodes';

    it('passes a request that lands on one replica to the replica holding the session', async () => {
      const { a, b, token } = await startTwo();
      await connectAnsweringAgent(b.port, 'eks-p5', token, 'agent-on-b');

      const viaA = await a.api.get(nodes).set('Authorization', user);
      expect(viaA.status).toBe(200);
      expect(JSON.parse(viaA.text)).toEqual({
        agentId: 'agent-on-b',
        method: 'GET',
        path: '/api/v1/nodes',
      });
      const viaB = await b.api.get(nodes).set('Authorization', user);
      expect(JSON.parse(viaB.text).agentId).toBe('agent-on-b');
    });

    it('passes a request body on to the holding replica as it arrives, not once it is complete', async () => {
      const { a, b, token } = await startTwo();
      const agent = await connectTestAgent(b.port, 'eks-p5', token);
      agent.send(helloFrame('eks-p5'));
      expect((await agent.nextFrame()).type).toBe('Welcome');

      // The caller holds back the end of its body until the cluster has seen the start.
      let finishBody!: () => void;
      const bodyHeld = new Promise<void>(resolve => (finishBody = resolve));
      const encoder = new TextEncoder();
      const body = new ReadableStream<Uint8Array>({
        async start(controller) {
          controller.enqueue(encoder.encode('{"kind":'));
          await bodyHeld;
          controller.enqueue(encoder.encode('"ConfigMap"}'));
          controller.close();
        },
      });
      const answered = fetch(
        `http://localhost:${a.port}/api/gpu-fleet/clusters/eks-p5/proxy/api/v1/namespaces/default/configmaps`,
        {
          method: 'POST',
          headers: { authorization: user, 'content-type': 'application/json' },
          body,
          duplex: 'half',
        } as RequestInit,
      );

      const requested = await agent.nextFrame();
      expect(requested).toMatchObject({
        type: 'Request',
        payload: { method: 'POST', hasBody: true },
      });
      // The cluster sees the start while the caller is still sending.
      expect(dataText(await agent.nextFrame())).toBe('{"kind":');
      finishBody();
      let rest = '';
      for (;;) {
        const frame = await agent.nextFrame();
        if (frame.type === 'End') break;
        rest += dataText(frame);
      }
      expect(rest).toBe('"ConfigMap"}');

      agent.send({
        type: 'Response',
        streamId: requested.streamId,
        payload: {
          status: 201,
          headers: { 'content-type': 'application/json' },
        },
      });
      agent.send({
        type: 'Data',
        streamId: requested.streamId,
        payload: Buffer.from('{"created":true}'),
      });
      agent.send({ type: 'End', streamId: requested.streamId });
      const response = await answered;
      expect(response.status).toBe(201);
      expect(await response.json()).toEqual({ created: true });
    });

    it('keeps one session per cluster across replicas: a newer one elsewhere replaces the old', async () => {
      const { a, b, token } = await startTwo();
      const old = await connectAnsweringAgent(b.port, 'eks-p5', token, 'old');
      await connectAnsweringAgent(a.port, 'eks-p5', token, 'new');

      await expect(old.closed).resolves.toEqual({
        code: 4000,
        reason: 'replaced by a newer session of this cluster',
      });
      for (const replica of [a, b]) {
        const res = await replica.api.get(nodes).set('Authorization', user);
        expect(JSON.parse(res.text).agentId).toBe('new');
      }
      const cluster = await b.api
        .get('/api/gpu-fleet/clusters/eks-p5')
        .set('Authorization', user);
      expect(cluster.body.status).toBe('connected');
    });

    it('closes the session on another replica when the token is rotated', async () => {
      const { a, b, token } = await startTwo();
      const agent = await connectAnsweringAgent(b.port, 'eks-p5', token, 'b');

      const rotated = await a.api
        .post('/api/gpu-fleet/clusters/eks-p5/token/rotate')
        .set('Authorization', user);
      expect(rotated.status).toBe(200);
      await expect(agent.closed).resolves.toMatchObject({ code: 4001 });
    });

    it('answers 503 once the holding replica has shut down', async () => {
      const { a, b, token } = await startTwo();
      await connectAnsweringAgent(b.port, 'eks-p5', token, 'b');
      await b.backend.stop();

      const res = await a.api.get(nodes).set('Authorization', user);
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ kind: 'Status', code: 503 });
      const cluster = await a.api
        .get('/api/gpu-fleet/clusters/eks-p5')
        .set('Authorization', user);
      expect(cluster.body.status).toBe('disconnected');
    });

    it('names the holding replica when it cannot be reached', async () => {
      const { a, knex } = await startTwo();
      // A replica that died without a clean shutdown leaves its record behind.
      await knex('gpu_fleet_agent_sessions').insert({
        cluster_name: 'eks-p5',
        replica_id: 'crashed-replica',
        replica_url: 'http://127.0.0.1:1/api/gpu-fleet',
        connected_at: new Date(),
      });
      const res = await a.api.get(nodes).set('Authorization', user);
      expect(res.status).toBe(503);
      expect(res.body.message).toContain('(crashed-replica) is unreachable');
    });

    it('refuses the replica routes to callers without a token, to users and to other plugins', async () => {
      const { a } = await startTwo();
      const tunnel = '/api/gpu-fleet/replica/clusters/eks-p5/tunnel';
      const close = '/api/gpu-fleet/replica/clusters/eks-p5/session/close';
      for (const path of [tunnel, close]) {
        for (const refused of [
          undefined,
          a.callers.forged,
          a.callers.expired,
        ]) {
          const req = a.api.post(path);
          const res = await (refused
            ? req.set('Authorization', refused)
            : req
          ).send('{}');
          expect([path, res.status]).toEqual([path, 401]);
        }
      }

      const asUser = await a.api
        .post(tunnel)
        .set('Authorization', user)
        .send('');
      expect(asUser.status).toBe(403);
      const asOtherPlugin = await a.api
        .post(close)
        .set('Authorization', `Bearer ${await a.otherPluginToken()}`)
        .send('{}');
      expect(asOtherPlugin.status).toBe(403);
      expect(asOtherPlugin.body.error.message).toContain(
        'only gpu-fleet replicas',
      );
    });
  },
);
