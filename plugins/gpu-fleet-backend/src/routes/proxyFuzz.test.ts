import http from 'node:http';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  encodeFrame,
  Frame,
  FrameType,
  kubeApiPathProblem,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import WebSocket from 'ws';
import { connectTestAgent, helloFrame } from '../__testUtils__/testAgent';
import { gpuFleetPlugin } from '../plugin';

// A regression suite, not a benchmark: a fixed seed, so a failure replays.
jest.setTimeout(60_000);

const SEED = Number(process.env.GPU_FLEET_FUZZ_SEED ?? 20261202);
const user = `Bearer ${mockCredentials.user.token()}`;

/** mulberry32: small, seedable, good enough to pick test inputs. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (max: number) => Math.floor(next() * max);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)];
  return { next, int, pick };
}

/** What a hostile signed-in user found before: each once, then random ones. */
const SEED_CORPUS: Array<{ method: string; path: string; headers?: object }> = [
  { method: 'OPTIONS', path: '/api/v1/pods' },
  { method: 'TRACE', path: '/api/v1/pods' },
  { method: 'PROPFIND', path: '/api' },
  { method: 'GET', path: `/api/v1/${'a'.repeat(8200)}` },
  {
    method: 'GET',
    path: '/api/v1/pods',
    headers: { accept: 'a'.repeat(9000) },
  },
  {
    method: 'GET',
    path: '/api/v1/pods',
    headers: { 'user-agent': 'u'.repeat(9000) },
  },
  { method: 'GET', path: '/api/../healthz' },
  { method: 'GET', path: '/api/%2e%2e/livez' },
  { method: 'GET', path: '/apis/%2E./%2e%2E/metrics' },
  { method: 'GET', path: '/api/v1/..%2f..%2fhealthz' },
];

const METHODS = [
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'OPTIONS',
  'TRACE',
  'PROPFIND',
  'MKCOL',
  'LOCK',
  'PURGE',
  'SEARCH',
  'REPORT',
];
const PREFIXES = ['/api', '/apis', '/version', '/openapi', '', '/healthz'];
const SEGMENTS = [
  'v1',
  'namespaces',
  'default',
  'pods',
  '..',
  '.',
  '%2e%2e',
  '%2E',
  '.%2e',
  '%2f',
  '%5c',
  '%00',
  '%zz',
  '\\..',
  'a'.repeat(300),
  '',
  '~',
  'ünï',
  '%E2%82%AC',
];

function randomRequest(r: ReturnType<typeof random>) {
  const segments = Array.from({ length: r.int(8) }, () => r.pick(SEGMENTS));
  let path = `${r.pick(PREFIXES)}/${segments.join('/')}`;
  if (r.next() < 0.3) path += `?watch=${r.pick(['0', 'false', 'x'])}&a=..%2f`;
  if (r.next() < 0.05) path += 'x'.repeat(8192);
  const headers: Record<string, string> = {};
  if (r.next() < 0.3) headers.accept = 'a'.repeat(r.int(12_000));
  if (r.next() < 0.3) headers['user-agent'] = 'u'.repeat(r.int(12_000));
  if (r.next() < 0.2) headers['content-type'] = 'application/json';
  const body =
    r.next() < 0.3 ? Buffer.alloc(r.int(64 * 1024), r.int(256)) : undefined;
  return { method: r.pick(METHODS), path, headers, body };
}

function send(
  port: number,
  request: {
    method: string;
    path: string;
    headers?: object;
    body?: Buffer;
  },
  cluster = 'fuzzed',
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: request.method,
        path: `/api/gpu-fleet/clusters/${cluster}/proxy${request.path}`,
        headers: { Authorization: user, ...request.headers },
        // Node's own limit for the whole header block; over it Node answers 431.
        maxHeaderSize: 64 * 1024,
      },
      res => {
        const chunks: Buffer[] = [];
        res.on('data', c => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode!,
            text: Buffer.concat(chunks).toString(),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(request.body);
  });
}

/** A hand-driven agent answering every request; watches end at once. */
async function answeringAgent(port: number, cluster: string, token: string) {
  const agent = await connectTestAgent(port, cluster, token);
  agent.send(helloFrame(cluster));
  await agent.nextFrame();
  const paths: string[] = [];
  (async () => {
    for (;;) {
      const frame: Frame = await agent.nextFrame();
      // Bodies are taken and answered at End; requests without one at once.
      if (frame.type === 'Request') paths.push(frame.payload.path);
      if (
        (frame.type === 'Request' && !frame.payload.hasBody) ||
        frame.type === 'End'
      ) {
        agent.send({
          type: 'Response',
          streamId: frame.streamId,
          payload: { status: 200, headers: {} },
        });
        agent.send({ type: 'End', streamId: frame.streamId });
      } else if (frame.type === 'Data') {
        agent.send({
          type: 'Window',
          streamId: frame.streamId,
          payload: { bytes: frame.payload.length },
        });
      }
    }
  })();
  return { agent, paths };
}

describe('fuzzing the proxy and the gateway', () => {
  async function start() {
    const { server } = await startTestBackend({
      features: [
        gpuFleetPlugin,
        mockServices.rootConfig.factory({
          data: { backend: { baseUrl: 'http://localhost:7007' } },
        }),
      ],
    });
    const port = server.port();
    const attach = async (name: string) => {
      const res = await fetch(
        `http://127.0.0.1:${port}/api/gpu-fleet/clusters`,
        {
          method: 'POST',
          headers: { Authorization: user, 'Content-Type': 'application/json' },
          body: JSON.stringify({ name, provider: 'eks' }),
        },
      );
      return (await res.json()).token as string;
    };
    return { port, attach };
  }

  it(`answers random requests with 4xx or the cluster's answer, and loses no session (seed ${SEED})`, async () => {
    const { port, attach } = await start();
    const fuzzed = await answeringAgent(port, 'fuzzed', await attach('fuzzed'));
    const bystander = await answeringAgent(
      port,
      'bystander',
      await attach('bystander'),
    );
    let closed = 0;
    fuzzed.agent.closed.then(() => closed++);
    bystander.agent.closed.then(() => closed++);

    const r = random(SEED);
    const requests = [
      ...SEED_CORPUS,
      ...Array.from({ length: 300 }, () => randomRequest(r)),
    ];
    const bystanderAnswers: number[] = [];
    for (const [index, request] of requests.entries()) {
      const answer = await send(port, request);
      const label = `#${index} ${request.method} ${request.path.slice(0, 60)}`;
      // The agent answers 200; anything else is the proxy's own refusal.
      expect({
        label,
        ok: answer.status === 200 || answer.status < 500,
      }).toEqual({ label, ok: true });
      // Node's HTTP parser itself refuses a header block over its limit (431)
      // and raw non-ASCII bytes in the path (400), with no body and before
      // any plugin sees the request; an answer to HEAD never has a body.
      const refusedByNode =
        (answer.status === 431 || answer.status === 400) && answer.text === '';
      const speaksStatus =
        answer.status === 200 ||
        refusedByNode ||
        request.method === 'HEAD' ||
        answer.text.includes('"kind":"Status"');
      expect({ label, status: answer.status, speaksStatus }).toEqual({
        label,
        status: answer.status,
        speaksStatus: true,
      });
      if (index % 25 === 0) {
        bystanderAnswers.push(
          (
            await send(
              port,
              { method: 'GET', path: '/api/v1/nodes' },
              'bystander',
            )
          ).status,
        );
      }
    }
    // The other cluster answered all along.
    expect(new Set(bystanderAnswers)).toEqual(new Set([200]));
    // Only paths an API server may see reached the agent.
    for (const path of fuzzed.paths) {
      expect({ path, problem: kubeApiPathProblem(path) }).toEqual({
        path,
        problem: undefined,
      });
    }
    expect(closed).toBe(0);
    expect(fuzzed.agent.ws.readyState).toBe(WebSocket.OPEN);
    fuzzed.agent.ws.close();
    bystander.agent.ws.close();
  });

  it(`survives random and mutated frames from one agent while others carry on (seed ${SEED})`, async () => {
    const { port, attach } = await start();
    const fuzzedToken = await attach('fuzzed');
    const bystander = await answeringAgent(
      port,
      'bystander',
      await attach('bystander'),
    );
    const r = random(SEED + 1);
    const valid: Frame[] = [
      {
        type: 'Response',
        streamId: 1,
        payload: { status: 200, headers: { a: 'b' } },
      },
      { type: 'Data', streamId: 1, payload: new Uint8Array([1, 2, 3]) },
      { type: 'End', streamId: 1 },
      { type: 'Window', streamId: 1, payload: { bytes: 10 } },
      { type: 'Error', streamId: 1, payload: { message: 'x', status: 500 } },
      { type: 'Cancel', streamId: 3, payload: { reason: 'y' } },
      {
        type: 'Report',
        streamId: 0,
        payload: { kind: 'status', body: { a: 1 } },
      },
    ];
    const mutate = (bytes: Uint8Array): Uint8Array => {
      const copy = Uint8Array.from(bytes);
      switch (r.int(4)) {
        case 0: // flip bytes
          for (let i = 0; i < 1 + r.int(4); i++) {
            copy[r.int(copy.length)] = r.int(256);
          }
          return copy;
        case 1: // truncate
          return copy.subarray(0, r.int(copy.length));
        case 2: // random bytes
          return Uint8Array.from({ length: r.int(64) }, () => r.int(256));
        default: // keep the header, garble the payload
          return Uint8Array.from([
            ...copy.subarray(0, 5),
            ...Array.from({ length: r.int(40) }, () => r.int(256)),
          ]);
      }
    };

    const closes: number[] = [];
    let sessions = 0;
    for (let round = 0; round < 40; round++) {
      const agent = await connectTestAgent(port, 'fuzzed', fuzzedToken);
      sessions++;
      agent.send(helloFrame('fuzzed'));
      await agent.nextFrame();
      for (let i = 0; i < 10; i++) {
        const frame = encodeFrame(r.pick(valid));
        agent.ws.send(r.next() < 0.8 ? mutate(frame) : frame);
      }
      // A text message and a stream frame on an unknown type code.
      if (round % 10 === 0) agent.ws.send('not a frame');
      if (round % 7 === 0) {
        agent.ws.send(Buffer.from([FrameType.GoAway + 9, 0, 0, 0, 0]));
      }
      // Whatever it sent, the backend still serves the other cluster.
      const other = await send(
        port,
        { method: 'GET', path: '/api/v1/nodes' },
        'bystander',
      );
      expect(other.status).toBe(200);
      agent.ws.close();
      const { code } = await agent.closed;
      closes.push(code);
    }
    // A session ends by its own close or by a protocol refusal, nothing else.
    for (const code of closes) expect([1000, 1005, 1008]).toContain(code);
    expect(sessions).toBe(40);
    expect(bystander.agent.ws.readyState).toBe(WebSocket.OPEN);
    bystander.agent.ws.close();
  });
});
