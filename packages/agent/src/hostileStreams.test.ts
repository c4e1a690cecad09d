import http from 'node:http';
import { AddressInfo } from 'node:net';
import {
  decodeFrame,
  encodeFrame,
  Frame,
  FrameType,
  kubeApiPathProblem,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { KubeConfig } from '@kubernetes/client-node';
import WebSocket, { WebSocketServer } from 'ws';
import { AgentConnection } from './AgentConnection';
import { KubeApiForwarder } from './KubeApiForwarder';

jest.setTimeout(30_000);

const WINDOW = 64 * 1024;

/** An API server that records every path it is asked for. */
async function recordingApiServer() {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    seen.push(req.url!);
    if (req.url!.endsWith('/switch')) {
      res.writeHead(101, { Connection: 'Upgrade', Upgrade: 'SPDY/3.1' });
      res.end();
      return;
    }
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ path: req.url }));
    });
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { server, seen, url: `http://127.0.0.1:${port}` };
}

/** A control plane the test drives frame by frame. */
async function hostileControlPlane(apiServerUrl: string) {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise(r => wss.once('listening', r));
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'c', server: apiServerUrl, skipTLSVerify: true }],
    users: [{ name: 'u', token: 'agent-token' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  const agent = new AgentConnection(
    {
      controlPlaneUrl: `ws://127.0.0.1:${
        (wss.address() as AddressInfo).port
      }/connect`,
      clusterName: 'eks-p5',
      token: 'cluster-token',
    },
    new KubeApiForwarder(kubeConfig),
    {
      agentVersion: 'test',
      logger: { info: () => {}, warn: () => {} },
      initialBackoffMs: 60_000,
    },
  );
  const socket = await new Promise<WebSocket>(resolve => {
    wss.once('connection', resolve);
    agent.start();
  });
  const frames: Frame[] = [];
  const waiters: Array<() => void> = [];
  socket.on('message', data => {
    frames.push(decodeFrame(data as Buffer));
    waiters.splice(0).forEach(w => w());
  });
  let closed = false;
  socket.on('close', () => (closed = true));
  const next = async (streamId: number, type?: Frame['type']) => {
    for (;;) {
      const index = frames.findIndex(
        f => f.streamId === streamId && (!type || f.type === type),
      );
      if (index >= 0) return frames.splice(index, 1)[0];
      await new Promise<void>(r => waiters.push(r));
    }
  };
  expect((await next(0, 'Hello')).type).toBe('Hello');
  socket.send(
    encodeFrame({
      type: 'Welcome',
      streamId: 0,
      payload: {
        protocolVersion: 1,
        maxFrameBytes: 1024 * 1024,
        initialWindowBytes: WINDOW,
        heartbeatIntervalMs: 60_000,
      },
    }),
  );
  const raw = (type: number, streamId: number, payload: object | string) => {
    const body = Buffer.from(
      typeof payload === 'string' ? payload : JSON.stringify(payload),
    );
    const header = Buffer.alloc(5);
    header.writeUInt8(type, 0);
    header.writeUInt32BE(streamId, 1);
    socket.send(Buffer.concat([header, body]));
  };
  const request = (streamId: number, fields: object) =>
    raw(FrameType.Request, streamId, {
      method: 'GET',
      path: '/api/v1/pods',
      headers: {},
      hasBody: false,
      stream: false,
      ...fields,
    });
  const stop = async () => {
    agent.stop();
    await new Promise(r => wss.close(r));
  };
  return { socket, next, raw, request, isClosed: () => closed, stop };
}

describe('agent under a hostile or broken control plane', () => {
  it('refuses each bad stream on its own and keeps the session', async () => {
    const api = await recordingApiServer();
    const cp = await hostileControlPlane(api.url);
    try {
      cp.request(1, { method: 'OPTIONS' });
      cp.request(3, { path: '/api/../healthz' });
      cp.request(5, { path: '/api/%2e%2e/livez' });
      cp.request(7, { path: `/api/${'a'.repeat(9000)}` });
      cp.request(9, { headers: { accept: 'x'.repeat(9000) } });
      cp.raw(FrameType.Request, 11, '{not json');
      cp.raw(FrameType.Window, 13, { bytes: -1 });
      for (const [id, field] of [
        [1, 'frame.payload.method'],
        [3, "frame.payload.path: dot segment '..'"],
        [5, "frame.payload.path: dot segment '%2e%2e'"],
        [7, 'frame.payload.path'],
        [9, 'frame.payload.headers.accept'],
        [11, 'frame.payload: Request payload is not UTF-8 JSON'],
        [13, 'frame.payload.bytes'],
      ] as const) {
        const error = await cp.next(id);
        expect(error).toMatchObject({
          type: 'Error',
          payload: { status: 400, message: expect.stringContaining(field) },
        });
      }

      // An upload beyond the window it was given fails that stream alone.
      cp.request(15, { method: 'POST', hasBody: true });
      cp.raw(FrameType.Data, 15, 'x'.repeat(WINDOW + 1));
      expect(await cp.next(15, 'Error')).toMatchObject({
        payload: {
          status: 400,
          message: expect.stringContaining('beyond the 65536-byte window'),
        },
      });

      cp.request(17, { path: '/api/v1/nodes' });
      expect(await cp.next(17, 'Response')).toMatchObject({
        payload: { status: 200 },
      });
      expect(cp.isClosed()).toBe(false);
      // The agent's own /version at Hello, then the one good request.
      expect(api.seen).toEqual(['/version', '/api/v1/nodes']);
    } finally {
      await cp.stop();
      api.server.close();
    }
  });

  it("never leaves its server URL's path prefix", async () => {
    const api = await recordingApiServer();
    const cp = await hostileControlPlane(`${api.url}/k8s/clusters/c-1`);
    try {
      cp.request(1, { path: '/api/v1/pods' });
      expect(await cp.next(1, 'Response')).toMatchObject({
        payload: { status: 200 },
      });
      for (const [id, path] of [
        [3, '/api/..%2f..%2f..%2fhealthz'],
        [5, '/api/%2E%2e/%2e%2e/%2e%2e/livez'],
        [7, '/api/v1/..\\..\\metrics'],
      ] as const) {
        cp.request(id, { path });
        expect(await cp.next(id)).toMatchObject({
          type: 'Error',
          payload: { status: 400 },
        });
      }
      expect(api.seen).toEqual([
        '/k8s/clusters/c-1/version',
        '/k8s/clusters/c-1/api/v1/pods',
      ]);
      expect(cp.isClosed()).toBe(false);
    } finally {
      await cp.stop();
      api.server.close();
    }
  });

  it('answers an API server that switches protocols with a clear error, not a hang-up', async () => {
    const api = await recordingApiServer();
    const cp = await hostileControlPlane(api.url);
    try {
      cp.request(1, { path: '/api/v1/namespaces/a/pods/b/switch' });
      expect(await cp.next(1)).toMatchObject({
        type: 'Error',
        payload: {
          status: 502,
          message:
            'the API server switched protocols (101), which the tunnel does not carry',
        },
      });
      expect(cp.isClosed()).toBe(false);
    } finally {
      await cp.stop();
      api.server.close();
    }
  });

  it('survives random and mutated frames, and sends the API server only API paths', async () => {
    const api = await recordingApiServer();
    const cp = await hostileControlPlane(`${api.url}/prefix`);
    // Seeded, so a failure replays; the hostile corpus first.
    let seed = Number(process.env.GPU_FLEET_FUZZ_SEED ?? 20261202) >>> 0;
    const next = () => {
      seed = (Math.imul(seed ^ (seed >>> 15), 2246822507) + 0x9e3779b9) >>> 0;
      return seed / 4294967296;
    };
    const int = (max: number) => Math.floor(next() * max);
    const paths = [
      '/api/v1/pods',
      '/api/../healthz',
      '/api/%2e%2e/livez',
      '/apis/%2E./x',
      '/version/..%2f..',
      '/healthz',
      `/api/${'p'.repeat(9000)}`,
    ];
    const methods = ['GET', 'OPTIONS', 'TRACE', 'PROPFIND', 'CONNECT', 'get'];
    try {
      for (let i = 0; i < 300; i++) {
        const id = 2 * i + 1;
        const payload = JSON.stringify({
          method: methods[int(methods.length)],
          path: paths[int(paths.length)],
          headers: int(4) === 0 ? { accept: 'a'.repeat(int(10_000)) } : {},
          hasBody: int(4) === 0,
          stream: int(2) === 0,
        });
        const bytes = Buffer.from(payload);
        // Mutate one in three: flip a byte of the payload or cut it short.
        let mutated = bytes;
        if (int(3) === 0) {
          mutated =
            int(2) === 0
              ? bytes.subarray(0, int(bytes.length))
              : Buffer.from(
                  bytes.map((b, j) => (j === int(bytes.length) ? int(256) : b)),
                );
        }
        cp.raw(
          [
            FrameType.Request,
            FrameType.Window,
            FrameType.Cancel,
            FrameType.Data,
          ][int(4)],
          id,
          mutated.toString('latin1'),
        );
      }
      cp.request(1001, { path: '/api/v1/nodes' });
      expect(await cp.next(1001, 'Response')).toMatchObject({
        payload: { status: 200 },
      });
      expect(cp.isClosed()).toBe(false);
      for (const path of api.seen) {
        expect(path.startsWith('/prefix/')).toBe(true);
        expect(
          kubeApiPathProblem(path.slice('/prefix'.length)),
        ).toBeUndefined();
      }
    } finally {
      await cp.stop();
      api.server.close();
    }
  });
});
