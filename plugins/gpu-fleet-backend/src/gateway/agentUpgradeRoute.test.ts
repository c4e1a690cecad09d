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
    const { server } = await startTestBackend({
      features: [
        gpuFleetPlugin,
        inRouterSocketPlugin,
        signalsPlugin,
        mockServices.rootConfig.factory({
          data: { backend: { baseUrl: 'http://localhost:7007' } },
        }),
      ],
    });
    const port = server.port();
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
    return { port, token: token as string };
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
