import { TestDatabases } from '@backstage/backend-test-utils';
import { FrameType } from '@gpu-fleet/plugin-gpu-fleet-common';
import request from 'supertest';
import WebSocket from 'ws';
import { startFleetBackend } from '../__testUtils__/startFleetBackend';
import {
  connectTestAgent as connect,
  helloFrame as hello,
} from '../__testUtils__/testAgent';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

describe.each(databases.eachSupportedId())(
  'agent gateway on %s',
  databaseId => {
    async function start() {
      const knex = await databases.init(databaseId);
      const fleet = await startFleetBackend({
        knex,
        config: { backend: { baseUrl: 'http://localhost:7007' } },
      });
      // Alice, the fleet admin, on every call.
      const api = request
        .agent(fleet.server)
        .set('Authorization', fleet.as.alice);
      const attached = await api
        .post('/api/gpu-fleet/clusters')
        .send({ name: 'eks-p5', provider: 'eks' });
      expect(attached.status).toBe(201);
      const cluster = async () =>
        (await api.get('/api/gpu-fleet/clusters/eks-p5')).body;
      return {
        port: fleet.port,
        userToken: fleet.as.alice.slice('Bearer '.length),
        token: attached.body.token as string,
        api,
        cluster,
      };
    }

    it('refuses a forged token before upgrading', async () => {
      const { port, token, userToken } = await start();
      await expect(connect(port, 'eks-p5', `${token}x`)).rejects.toThrow(
        'HTTP 401',
      );
      await expect(connect(port, 'other', token)).rejects.toThrow('HTTP 401');
      // A signed-in user's Backstage token is no cluster token.
      await expect(connect(port, 'eks-p5', userToken)).rejects.toThrow(
        'HTTP 401',
      );
    });

    it('welcomes an agent and marks its cluster connected with its versions', async () => {
      const { port, token, cluster } = await start();
      const agent = await connect(port, 'eks-p5', token);
      agent.send(hello('eks-p5'));
      const welcome = await agent.nextFrame();
      expect(welcome).toMatchObject({
        type: 'Welcome',
        payload: { protocolVersion: 1, maxFrameBytes: 1048576 },
      });
      await new Promise(r => setTimeout(r, 100));
      expect(await cluster()).toMatchObject({
        status: 'connected',
        agentVersion: '0.1.0-test',
        kubernetesVersion: 'v1.30.2',
        lastSeenAt: expect.any(String),
      });

      agent.ws.close();
      await agent.closed;
      await new Promise(r => setTimeout(r, 200));
      expect((await cluster()).status).toBe('disconnected');
    });

    it('stores the prerequisite report an agent sends', async () => {
      const { port, token, api } = await start();
      const agent = await connect(port, 'eks-p5', token);
      agent.send(hello('eks-p5'));
      await agent.nextFrame();
      agent.send({
        type: 'Report',
        streamId: 0,
        payload: {
          kind: 'prerequisites',
          body: {
            checks: [
              { id: 'kubernetes-version', status: 'pass', message: 'v1.30.2' },
            ],
          },
        },
      });
      await new Promise(r => setTimeout(r, 200));
      const report = await api.get(
        '/api/gpu-fleet/clusters/eks-p5/prerequisites',
      );
      expect(report.body.checks[0]).toMatchObject({
        id: 'kubernetes-version',
        status: 'pass',
      });
      agent.ws.close();
    });

    it('replaces an older session of the same cluster', async () => {
      const { port, token, cluster } = await start();
      const first = await connect(port, 'eks-p5', token);
      first.send(hello('eks-p5'));
      await first.nextFrame();
      const second = await connect(port, 'eks-p5', token);
      second.send(hello('eks-p5'));
      await second.nextFrame();
      expect((await first.nextFrame()).type).toBe('GoAway');
      expect((await first.closed).code).toBe(4000);
      await new Promise(r => setTimeout(r, 200));
      expect((await cluster()).status).toBe('connected');
      second.ws.close();
    });

    it.each([
      ['revoked', 'revoke'],
      ['rotated', 'rotate'],
    ])(
      'closes the session within a second once the token is %s',
      async (_, action) => {
        const { port, token, api } = await start();
        const agent = await connect(port, 'eks-p5', token);
        agent.send(hello('eks-p5'));
        await agent.nextFrame();
        const started = Date.now();
        await api
          .post(`/api/gpu-fleet/clusters/eks-p5/token/${action}`)

          .expect(200);
        const { code } = await agent.closed;
        expect(code).toBe(4001);
        expect(Date.now() - started).toBeLessThan(1000);
        await expect(connect(port, 'eks-p5', token)).rejects.toThrow(
          'HTTP 401',
        );
      },
    );

    it('closes a session that sends a malformed or oversized frame, and keeps serving others', async () => {
      const { port, token, api } = await start();
      const second = await api
        .post('/api/gpu-fleet/clusters')
        .send({ name: 'gke-a3', provider: 'gke' });
      const healthy = await connect(port, 'gke-a3', second.body.token);
      healthy.send(hello('gke-a3'));
      await healthy.nextFrame();

      const malformed = await connect(port, 'eks-p5', token);
      malformed.send(hello('eks-p5'));
      await malformed.nextFrame();
      // A stream frame's bad payload is that stream's problem alone.
      malformed.ws.send(Buffer.from([FrameType.Window, 0, 0, 0, 1, 0x7b]));
      malformed.ws.send(Buffer.from([FrameType.Report, 0, 0, 0, 0, 0x7b]));
      const bad = await malformed.closed;
      expect(bad.code).toBe(1008);
      expect(bad.reason).toBe(
        'frame.payload: Report payload is not UTF-8 JSON',
      );

      const oversized = await connect(port, 'eks-p5', token);
      oversized.send(hello('eks-p5'));
      await oversized.nextFrame();
      oversized.ws.send(Buffer.alloc(2 * 1024 * 1024));
      expect(await oversized.closed).toEqual({
        code: 1009,
        reason: 'frame: over the 1048576-byte limit',
      });

      const wrongCluster = await connect(port, 'eks-p5', token);
      wrongCluster.send(hello('gke-a3'));
      expect((await wrongCluster.nextFrame()).type).toBe('GoAway');
      expect((await wrongCluster.closed).code).toBe(1008);

      expect(healthy.ws.readyState).toBe(WebSocket.OPEN);
      healthy.send({
        type: 'Report',
        streamId: 0,
        payload: {
          kind: 'status',
          body: { snapshot: true, deployments: [], removed: [] },
        },
      });
      healthy.ws.close();
      expect((await healthy.closed).code).toBe(1005);
    });
  },
);
