import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import signalsPlugin from '@backstage/plugin-signals-backend';
import { Server } from 'node:http';
import Router from 'express-promise-router';
import WebSocket, { WebSocketServer } from 'ws';
import { connectTestAgent } from '../__testUtils__/testAgent';
import { gpuFleetPlugin } from '../plugin';

jest.setTimeout(60_000);

/** Serves a WebSocket from inside its router, as the Kubernetes tab's exec does. */
const inRouterSocketPlugin = createBackendPlugin({
  pluginId: 'exec-test',
  register(env) {
    env.registerInit({
      deps: { httpRouter: coreServices.httpRouter },
      async init({ httpRouter }) {
        const wss = new WebSocketServer({ noServer: true });
        const router = Router();
        router.get('/ws', (req, res) => {
          if (req.headers.upgrade?.toLowerCase() !== 'websocket') {
            res.status(400).end();
            return;
          }
          wss.handleUpgrade(req, req.socket, Buffer.alloc(0), ws =>
            ws.send('hello from exec-test'),
          );
        });
        httpRouter.addAuthPolicy({ path: '/ws', allow: 'unauthenticated' });
        httpRouter.use(router);
      },
    });
  },
});

/** Opens a WebSocket and resolves with its first message, or how it failed. */
function firstMessage(url: string, timeoutMs = 4000): Promise<string> {
  return new Promise(resolve => {
    const ws = new WebSocket(url, { handshakeTimeout: timeoutMs });
    ws.once('message', data => {
      resolve(`message: ${data.toString()}`);
      ws.close();
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(`HTTP ${res.statusCode}`);
      ws.terminate();
    });
    ws.once('error', error => resolve(`error: ${error.message}`));
  });
}

function opens(url: string, timeoutMs = 4000): Promise<string> {
  return new Promise(resolve => {
    const ws = new WebSocket(url, { handshakeTimeout: timeoutMs });
    ws.once('open', () => {
      resolve('open');
      ws.close();
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(`HTTP ${res.statusCode}`);
      ws.terminate();
    });
    ws.once('error', error => resolve(`error: ${error.message}`));
  });
}

describe('agent upgrades inside the router', () => {
  async function start() {
    const { server: backend } = await startTestBackend({
      features: [
        gpuFleetPlugin,
        inRouterSocketPlugin,
        signalsPlugin,
        mockServices.rootConfig.factory({
          data: { backend: { baseUrl: 'http://localhost:7007' } },
        }),
      ],
    });
    const port = backend.port();
    const base = `http://localhost:${port}/api/gpu-fleet`;
    // An ordinary request first: the old gateway took the server's upgrades from here on.
    const attached = await fetch(`${base}/clusters`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${mockCredentials.user.token()}`,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({ name: 'eks-p5', provider: 'eks' }),
    });
    expect(attached.status).toBe(201);
    const { token } = await attached.json();
    return { port, token: token as string, backend };
  }

  it("leaves another plugin's in-router WebSocket working, and agents connect", async () => {
    const { port, token } = await start();
    expect(await firstMessage(`ws://localhost:${port}/api/exec-test/ws`)).toBe(
      'message: hello from exec-test',
    );
    const agent = await connectTestAgent(port, 'eks-p5', token);
    agent.ws.close();
    // Still working after an agent's upgrade.
    expect(await firstMessage(`ws://localhost:${port}/api/exec-test/ws`)).toBe(
      'message: hello from exec-test',
    );
  });

  it('answers an upgrade for a path nobody serves instead of leaving the socket open', async () => {
    const { port } = await start();
    expect(await opens(`ws://localhost:${port}/api/gpu-fleet/nowhere`)).toBe(
      'HTTP 404',
    );
    expect(await opens(`ws://localhost:${port}/api/nothing-here`)).toMatch(
      /^HTTP 40[14]$/,
    );
  });

  it('lets the signals WebSocket open, and agents still connect once signals listens on the server', async () => {
    const { port, token } = await start();
    const signals = `ws://localhost:${port}/api/signals`;
    // The signals plugin subscribes to the server on its first upgrade and
    // answers from the next one on; its frontend client retries the same way.
    let result = await opens(signals, 2000);
    if (result !== 'open') result = await opens(signals, 2000);
    expect(result).toBe('open');

    const agent = await connectTestAgent(port, 'eks-p5', token);
    expect(agent.ws.readyState).toBe(WebSocket.OPEN);
    agent.ws.close();
  });
});

/**
 * Runs the server's periodic check for requests whose headers never ended
 * now, instead of waiting up to 30 seconds for its timer.
 */
function checkConnectionsNow(server: Server) {
  const timer = Object.getOwnPropertySymbols(server)
    .filter(s => s.description === 'http.server.connectionsCheckingInterval')
    .map(s => (server as any)[s])[0];
  expect(typeof timer?._onTimeout).toBe('function');
  timer._onTimeout();
}

describe('an agent upgraded inside the router', () => {
  it("survives the HTTP server's header timeout check", async () => {
    const { server: backend } = await startTestBackend({
      features: [
        gpuFleetPlugin,
        mockServices.rootConfig.factory({
          data: { backend: { baseUrl: 'http://localhost:7007' } },
        }),
      ],
    });
    const port = backend.port();
    const attached = await fetch(
      `http://localhost:${port}/api/gpu-fleet/clusters`,
      {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${mockCredentials.user.token()}`,
          'Content-Type': 'application/json',
        },
        body: JSON.stringify({ name: 'eks-p5', provider: 'eks' }),
      },
    );
    const { token } = await attached.json();
    const agent = await connectTestAgent(port, 'eks-p5', token);

    // Left to the HTTP parser, the agent's first frame reads as the start of
    // a next request whose headers never end: after headersTimeout, Node
    // answers it with a 408 written into the WebSocket.
    backend.headersTimeout = 200;
    backend.requestTimeout = 400;
    const firstPong = new Promise(resolve => agent.ws.once('pong', resolve));
    agent.ws.ping();
    await firstPong;
    await new Promise(r => setTimeout(r, 600));
    checkConnectionsNow(backend);
    await new Promise(r => setTimeout(r, 200));

    expect(agent.ws.readyState).toBe(WebSocket.OPEN);
    const pong = new Promise(resolve => agent.ws.once('pong', resolve));
    agent.ws.ping();
    await pong;
    agent.ws.close();
  });
});
