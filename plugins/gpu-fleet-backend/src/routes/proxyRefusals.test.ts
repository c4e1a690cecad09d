import http from 'node:http';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { Frame } from '@gpu-fleet/plugin-gpu-fleet-common';
import WebSocket from 'ws';
import { connectTestAgent, helloFrame } from '../__testUtils__/testAgent';
import { gpuFleetPlugin } from '../plugin';

jest.setTimeout(60_000);

const alice = `Bearer ${mockCredentials.user.token('user:default/alice')}`;

/** A raw HTTP request: no client tidies the method, path or headers first. */
function rawRequest(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: any }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method, path, headers },
      res => {
        const chunks: Buffer[] = [];
        res.on('data', c => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          let body: any = text;
          try {
            body = JSON.parse(text);
          } catch {
            // not JSON: kept as text for the assertion to show
          }
          resolve({ status: res.statusCode!, headers: res.headers, body });
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function start(
  permission:
    | AuthorizeResult.ALLOW
    | AuthorizeResult.DENY = AuthorizeResult.ALLOW,
) {
  const { server } = await startTestBackend({
    features: [
      gpuFleetPlugin,
      mockServices.rootConfig.factory({
        data: { backend: { baseUrl: 'http://localhost:7007' } },
      }),
      // A request without a token is nobody, not the test backend's mock user.
      mockServices.httpAuth.factory({
        defaultCredentials: mockCredentials.none(),
      }),
      mockServices.permissions.factory({ result: permission }),
    ],
  });
  const port = server.port();
  const attached = await fetch(
    `http://127.0.0.1:${port}/api/gpu-fleet/clusters`,
    {
      method: 'POST',
      headers: { Authorization: alice, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'eks-p5', provider: 'eks' }),
    },
  );
  return { port, token: (await attached.json()).token as string };
}

/** A hand-driven agent that answers every request and keeps watches open. */
async function answeringAgent(port: number, token: string) {
  const agent = await connectTestAgent(port, 'eks-p5', token);
  agent.send(helloFrame('eks-p5'));
  expect((await agent.nextFrame()).type).toBe('Welcome');
  const requests: Array<Extract<Frame, { type: 'Request' }>> = [];
  let closed = false;
  agent.closed.then(() => (closed = true));
  const onFrame = (frame: Frame) => {
    if (frame.type !== 'Request') return;
    requests.push(frame);
    agent.send({
      type: 'Response',
      streamId: frame.streamId,
      payload: { status: 200, headers: { 'content-type': 'application/json' } },
    });
    agent.send({
      type: 'Data',
      streamId: frame.streamId,
      payload: Buffer.from(`{"path":${JSON.stringify(frame.payload.path)}}\n`),
    });
    if (!frame.payload.stream) {
      agent.send({ type: 'End', streamId: frame.streamId });
    }
  };
  const pump = async () => {
    for (;;) onFrame(await agent.nextFrame());
  };
  pump();
  return { agent, requests, isClosed: () => closed };
}

const API = '/api/gpu-fleet/clusters/eks-p5/proxy';

describe('Kubernetes proxy refusals', () => {
  it('refuses what the tunnel cannot carry with a Status, and the cluster stays connected with its watch', async () => {
    const { port, token } = await start();
    const { agent, requests, isClosed } = await answeringAgent(port, token);

    // A watch in flight on the same session must survive everything below.
    const watchEvents: string[] = [];
    const watchDone = new Promise<void>(resolve => {
      http.get(
        {
          host: '127.0.0.1',
          port,
          path: `${API}/api/v1/pods?watch=1`,
          headers: { Authorization: alice },
        },
        res => {
          res.on('data', c => watchEvents.push(String(c)));
          res.on('end', resolve);
          res.on('error', resolve);
        },
      );
    });
    await new Promise(r => setTimeout(r, 200));
    expect(watchEvents).toHaveLength(1);

    const auth = { Authorization: alice };
    const cases: Array<[string, string, Record<string, string>, number]> = [
      ['OPTIONS', `${API}/api/v1/pods`, auth, 405],
      ['TRACE', `${API}/api/v1/pods`, auth, 405],
      ['PROPFIND', `${API}/api/v1/pods`, auth, 405],
      ['GET', `${API}/api/v1/${'a'.repeat(9000)}`, auth, 414],
      ['GET', `${API}/api/v1/pods`, { ...auth, Accept: 'x'.repeat(9000) }, 431],
      [
        'GET',
        `${API}/api/v1/pods`,
        { ...auth, 'User-Agent': 'x'.repeat(9000) },
        431,
      ],
      ['GET', `${API}/api/../healthz`, auth, 400],
      ['GET', `${API}/api/%2e%2e/livez`, auth, 400],
      ['GET', `${API}/api/v1/%2E./%2e%2E/metrics`, auth, 400],
      ['DELETE', `${API}/apis/..%2f..%2fhealthz`, auth, 400],
      ['GET', `${API}/healthz`, auth, 400],
    ];
    for (const [method, path, headers, status] of cases) {
      const res = await rawRequest(port, method, path, headers);
      expect({ method, path: path.slice(0, 80), status: res.status }).toEqual({
        method,
        path: path.slice(0, 80),
        status,
      });
      expect(res.body).toMatchObject({ kind: 'Status', code: status });
      // A 405 says what is allowed.
      expect(res.headers.allow).toBe(
        status === 405 ? 'GET, HEAD, POST, PUT, PATCH, DELETE' : undefined,
      );
    }

    // None of them reached the agent, and its session is whole.
    expect(requests.map(r => r.payload.path)).toEqual(['/api/v1/pods?watch=1']);
    expect(isClosed()).toBe(false);
    expect(agent.ws.readyState).toBe(WebSocket.OPEN);
    const normal = await rawRequest(port, 'GET', `${API}/api/v1/nodes`, auth);
    expect(normal).toMatchObject({
      status: 200,
      body: { path: '/api/v1/nodes' },
    });
    // The watch still carries events.
    agent.send({
      type: 'Data',
      streamId: requests[0].streamId,
      payload: Buffer.from('{"type":"MODIFIED"}\n'),
    });
    await new Promise(r => setTimeout(r, 200));
    expect(watchEvents.join('')).toContain('MODIFIED');
    agent.ws.close();
    await watchDone;
  });

  it('answers every failure on the proxy route as a Kubernetes Status, authentication included', async () => {
    const { port } = await start();
    const noToken = await rawRequest(port, 'GET', `${API}/api/v1/nodes`);
    expect(noToken.status).toBe(401);
    expect(noToken.body).toMatchObject({
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      reason: 'Unauthorized',
      code: 401,
    });
    const forged = await rawRequest(port, 'GET', `${API}/api/v1/nodes`, {
      Authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.forged',
    });
    expect(forged.status).toBe(401);
    expect(forged.body).toMatchObject({
      kind: 'Status',
      reason: 'Unauthorized',
    });

    const badName = await rawRequest(
      port,
      'GET',
      '/api/gpu-fleet/clusters/Not_A_Name/proxy/api/v1/nodes',
      { Authorization: alice },
    );
    expect(badName.status).toBe(400);
    expect(badName.body).toMatchObject({
      kind: 'Status',
      reason: 'BadRequest',
    });
    expect(badName.body.message).toMatch(/^name: /);

    const offline = await rawRequest(
      port,
      'GET',
      '/api/gpu-fleet/clusters/other/proxy/api/v1/nodes',
      { Authorization: alice },
    );
    expect(offline.status).toBe(503);
    expect(offline.body).toMatchObject({ kind: 'Status' });
    expect(JSON.stringify(offline.body)).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it('answers a caller without the proxy permission with a Forbidden Status', async () => {
    const { port } = await start(AuthorizeResult.DENY);
    const denied = await rawRequest(port, 'GET', `${API}/api/v1/nodes`, {
      Authorization: alice,
    });
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({
      kind: 'Status',
      reason: 'Forbidden',
      code: 403,
      message: expect.stringContaining("may not read cluster 'eks-p5'"),
    });
  });
});
