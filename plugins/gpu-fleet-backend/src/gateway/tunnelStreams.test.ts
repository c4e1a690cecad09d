import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import {
  decodeFrame,
  encodeFrame,
  Frame,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import WebSocket from 'ws';
import { ClusterRegistry } from '../registry/ClusterRegistry';
import { ClusterStore } from '../registry/ClusterStore';
import { AgentGateway } from './AgentGateway';
import { TunnelResponse } from './TunnelStream';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const WINDOW = 64 * 1024;
const limits = {
  maxFrameBytes: 16 * 1024,
  initialWindowBytes: WINDOW,
  heartbeatIntervalMs: 60_000,
  helloTimeoutMs: 5_000,
};

/** A scripted agent: answers by path, honours (or breaks) flow control. */
class ScriptedAgent {
  cancelled: number[] = [];
  /** Request bodies as received, and the streams whose body ended. */
  uploads = new Map<number, Buffer[]>();
  uploadsEnded = new Set<number>();
  peakOutstanding = 0;
  private credit = new Map<number, number>();
  private pumps = new Map<number, () => void>();
  constructor(readonly ws: WebSocket, private readonly overrunWindow = false) {
    ws.on('message', data => this.receive(decodeFrame(data as Buffer)));
  }

  send(frame: Frame) {
    this.ws.send(encodeFrame(frame));
  }

  private receive(frame: Frame) {
    if (frame.type === 'Window') {
      this.credit.set(
        frame.streamId,
        (this.credit.get(frame.streamId) ?? 0) + frame.payload.bytes,
      );
      this.pumps.get(frame.streamId)?.();
    } else if (frame.type === 'Cancel') {
      this.cancelled.push(frame.streamId);
      this.pumps.delete(frame.streamId);
    } else if (frame.type === 'Request') {
      this.answer(frame.streamId, frame.payload.path);
    } else if (frame.type === 'Data') {
      this.uploads.set(frame.streamId, [
        ...(this.uploads.get(frame.streamId) ?? []),
        Buffer.from(frame.payload),
      ]);
    } else if (frame.type === 'End') {
      this.uploadsEnded.add(frame.streamId);
    }
  }

  private answer(id: number, path: string) {
    if (path.endsWith('/never') || path.endsWith('/upload')) return;
    if (path.endsWith('/forbidden')) {
      this.send({
        type: 'Error',
        streamId: id,
        payload: { message: 'pods is forbidden', status: 403 },
      });
      return;
    }
    this.send({
      type: 'Response',
      streamId: id,
      payload: { status: 200, headers: { 'content-type': 'application/json' } },
    });
    const size = Number(
      new URLSearchParams(path.split('?')[1]).get('bytes') ?? 2048,
    );
    this.credit.set(id, WINDOW);
    let sent = 0;
    const pump = () => {
      while (sent < size) {
        const credit = this.credit.get(id)!;
        const chunk = Math.min(
          8 * 1024,
          size - sent,
          this.overrunWindow ? 8 * 1024 : credit,
        );
        if (chunk <= 0) return;
        this.credit.set(id, credit - chunk);
        this.peakOutstanding = Math.max(
          this.peakOutstanding,
          WINDOW - (credit - chunk),
        );
        this.send({
          type: 'Data',
          streamId: id,
          payload: new Uint8Array(chunk).fill(sent % 251),
        });
        sent += chunk;
      }
      this.pumps.delete(id);
      this.send({ type: 'End', streamId: id });
    };
    this.pumps.set(id, pump);
    pump();
  }
}

async function readAll(response: TunnelResponse): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of response.body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe.each(databases.eachSupportedId())(
  'tunnel streams on %s',
  databaseId => {
    let server: http.Server;
    let gateway: AgentGateway;

    async function start(options: { overrunWindow?: boolean } = {}) {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({
        directory: resolvePackagePath(
          '@gpu-fleet/plugin-gpu-fleet-backend',
          'migrations',
        ),
      });
      const registry = new ClusterRegistry(new ClusterStore(knex), {
        controlPlaneUrl: 'ws://localhost/agent',
        chart: 'gpu-fleet/gpu-fleet-agent',
      });
      const { token } = await registry.attach(
        { name: 'cw-h100', provider: 'coreweave' },
        'user:default/test',
      );
      gateway = new AgentGateway(
        registry,
        limits,
        mockServices.logger.mock(),
        '/connect',
      );
      server = http.createServer();
      server.on('upgrade', (req, socket, head) =>
        gateway.handleUpgrade(req, socket, head),
      );
      await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
      const ws = new WebSocket(
        `ws://127.0.0.1:${(server.address() as AddressInfo).port}/connect`,
        {
          headers: {
            authorization: `Bearer ${token}`,
            'x-gpu-fleet-cluster': 'cw-h100',
          },
        },
      );
      const agent = new ScriptedAgent(ws, options.overrunWindow);
      const closed = new Promise<number>(r => ws.on('close', code => r(code)));
      await new Promise(r => ws.once('open', r));
      const welcomed = new Promise(r => ws.once('message', r));
      agent.send({
        type: 'Hello',
        streamId: 0,
        payload: {
          protocolVersion: 1,
          agentVersion: 'test',
          clusterName: 'cw-h100',
        },
      });
      await welcomed;
      return { agent, closed };
    }

    afterEach(async () => {
      gateway?.close();
      await new Promise(r => server?.close(r));
    });

    it('returns a small object through the tunnel', async () => {
      await start();
      const response = await gateway.request('cw-h100', {
        method: 'GET',
        path: '/api/v1/namespaces/default/pods/small?bytes=2048',
      });
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe('application/json');
      expect((await readAll(response)).length).toBe(2048);
    });

    it('streams 5 MB without the agent ever exceeding one window', async () => {
      const { agent } = await start();
      const response = await gateway.request('cw-h100', {
        method: 'GET',
        path: `/api/v1/pods?bytes=${5 * 1024 * 1024}`,
        stream: true,
      });
      const body = await readAll(response);
      expect(body.length).toBe(5 * 1024 * 1024);
      expect(agent.peakOutstanding).toBeLessThanOrEqual(WINDOW);
    });

    it('sends a request body larger than the window only as the agent grants credit', async () => {
      const { agent } = await start();
      const body = randomBytes(3 * WINDOW + 100);
      const response = gateway.request('cw-h100', {
        method: 'PUT',
        path: '/api/v1/namespaces/default/configmaps/upload',
        body,
      });
      const received = () => Buffer.concat(agent.uploads.get(1) ?? []);
      const settle = () => new Promise(r => setTimeout(r, 100));
      let granted = WINDOW;
      while (!agent.uploadsEnded.has(1)) {
        await settle();
        // Never more than the credit given so far.
        expect(received().length).toBe(Math.min(granted, body.length));
        agent.send({
          type: 'Window',
          streamId: 1,
          payload: { bytes: WINDOW },
        });
        granted += WINDOW;
      }
      expect(received().equals(body)).toBe(true);
      agent.send({
        type: 'Response',
        streamId: 1,
        payload: { status: 200, headers: {} },
      });
      agent.send({ type: 'End', streamId: 1 });
      expect((await response).status).toBe(200);
    });

    it('keeps answering other requests while one stream is not being read', async () => {
      await start();
      const stalled = await gateway.request('cw-h100', {
        method: 'GET',
        path: `/api/v1/pods?watch=1&bytes=${10 * 1024 * 1024}`,
        stream: true,
      });
      const others = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          gateway
            .request('cw-h100', {
              method: 'GET',
              path: `/api/v1/namespaces/default/pods/p${i}`,
            })
            .then(readAll),
        ),
      );
      expect(others.every(body => body.length === 2048)).toBe(true);
      // The stalled stream holds at most one window, waiting for its reader.
      expect(stalled.body.readableLength).toBeLessThanOrEqual(WINDOW);
      stalled.body.destroy();
    });

    it('carries 200 concurrent streams', async () => {
      await start();
      const bodies = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          gateway
            .request('cw-h100', {
              method: 'GET',
              path: `/api/v1/configmaps?i=${i}&bytes=20000`,
              stream: true,
            })
            .then(readAll),
        ),
      );
      expect(bodies.map(b => b.length)).toEqual(Array(200).fill(20000));
    });

    it('times a request out with 504 and tells the agent to stop', async () => {
      const { agent } = await start();
      const request = gateway.request('cw-h100', {
        method: 'GET',
        path: '/api/v1/namespaces/default/pods/never',
        timeoutMs: 200,
      });
      await expect(request).rejects.toMatchObject({ status: 504 });
      await new Promise(r => setTimeout(r, 100));
      expect(agent.cancelled).toHaveLength(1);
    });

    it('cancels on the agent when the caller goes away', async () => {
      const { agent } = await start();
      const controller = new AbortController();
      const request = gateway.request('cw-h100', {
        method: 'GET',
        path: '/api/v1/namespaces/default/pods/never',
        signal: controller.signal,
      });
      controller.abort();
      await expect(request).rejects.toMatchObject({ status: 499 });
      await new Promise(r => setTimeout(r, 100));
      expect(agent.cancelled).toHaveLength(1);
    });

    it("passes the agent's error status back to the caller", async () => {
      await start();
      await expect(
        gateway.request('cw-h100', {
          method: 'GET',
          path: '/api/v1/namespaces/x/pods/forbidden',
        }),
      ).rejects.toMatchObject({ status: 403, message: 'pods is forbidden' });
      await expect(
        gateway.request('other', { method: 'GET', path: '/api/v1/pods' }),
      ).rejects.toMatchObject({ status: 503 });
    });

    it('fails only the stream of an agent that overruns its window, and keeps the session', async () => {
      const { agent } = await start({ overrunWindow: true });
      let sessionClosed = false;
      agent.ws.on('close', () => (sessionClosed = true));
      // Nobody reads, so everything past the window is an overrun.
      const response = await gateway.request('cw-h100', {
        method: 'GET',
        path: `/api/v1/pods?bytes=${1024 * 1024}`,
        stream: true,
      });
      await expect(readAll(response)).rejects.toMatchObject({
        status: 502,
        message: expect.stringContaining(
          `beyond the ${WINDOW}-byte window it was given`,
        ),
      });
      // The agent is told to stop that stream alone.
      await new Promise(r => setTimeout(r, 100));
      expect(agent.cancelled).toEqual([1]);

      const small = await gateway.request('cw-h100', {
        method: 'GET',
        path: '/api/v1/pods/small?bytes=2048',
      });
      expect((await readAll(small)).length).toBe(2048);
      expect(sessionClosed).toBe(false);
      expect(gateway.isConnected('cw-h100')).toBe(true);
    });

    it('names Data that arrives before its Response, failing only that stream', async () => {
      const { agent } = await start();
      const pending = gateway.request('cw-h100', {
        method: 'GET',
        path: '/api/v1/pods/never',
      });
      agent.send({
        type: 'Data',
        streamId: 1,
        payload: new Uint8Array(10),
      });
      await expect(pending).rejects.toMatchObject({
        status: 502,
        message: expect.stringContaining(
          'Data on stream 1 before its Response',
        ),
      });
      expect(gateway.isConnected('cw-h100')).toBe(true);
    });

    it('refuses requests the tunnel cannot carry without sending it', async () => {
      const { agent } = await start();
      const sent: string[] = [];
      agent.ws.on('message', data => sent.push(String((data as Buffer)[0])));
      for (const [request, status] of [
        [{ method: 'OPTIONS', path: '/api/v1/pods' }, 405],
        [{ method: 'GET', path: `/api/${'a'.repeat(9000)}` }, 414],
        [
          {
            method: 'GET',
            path: '/api/v1/pods',
            headers: { accept: 'x'.repeat(9000) },
          },
          431,
        ],
        [{ method: 'GET', path: '/api/%2e%2e/livez' }, 400],
      ] as const) {
        await expect(
          gateway.request('cw-h100', request as any),
        ).rejects.toMatchObject({ status });
      }
      await new Promise(r => setTimeout(r, 100));
      expect(sent).toEqual([]);
      const small = await gateway.request('cw-h100', {
        method: 'GET',
        path: '/api/v1/pods/small?bytes=2048',
      });
      expect((await readAll(small)).length).toBe(2048);
    });
  },
);
