import {
  decodeFrame,
  encodeFrame,
  Frame,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import WebSocket from 'ws';

/** A hand-driven agent: the test reads and sends frames itself. */
export interface TestAgent {
  ws: WebSocket;
  frames: Frame[];
  nextFrame(): Promise<Frame>;
  closed: Promise<{ code: number; reason: string }>;
  send(frame: Frame): void;
}

export function connectTestAgent(
  port: number,
  cluster: string,
  token: string,
): Promise<TestAgent> {
  const ws = new WebSocket(
    `ws://localhost:${port}/api/gpu-fleet/agent/connect`,
    {
      headers: {
        authorization: `Bearer ${token}`,
        'x-gpu-fleet-cluster': cluster,
      },
    },
  );
  const frames: Frame[] = [];
  const waiters: Array<(f: Frame) => void> = [];
  ws.on('message', data => {
    const frame = decodeFrame(data as Buffer);
    const waiter = waiters.shift();
    if (waiter) waiter(frame);
    else frames.push(frame);
  });
  const closed = new Promise<{ code: number; reason: string }>(resolve =>
    ws.on('close', (code, reason) =>
      resolve({ code, reason: reason.toString() }),
    ),
  );
  return new Promise((resolve, reject) => {
    ws.once('unexpected-response', (_req, res) =>
      reject(new Error(`HTTP ${res.statusCode}`)),
    );
    ws.once('error', reject);
    ws.once('open', () =>
      resolve({
        ws,
        frames,
        closed,
        nextFrame: () =>
          frames.length
            ? Promise.resolve(frames.shift()!)
            : new Promise(r => waiters.push(r)),
        send: frame => ws.send(encodeFrame(frame)),
      }),
    );
  });
}

export const helloFrame = (clusterName: string): Frame => ({
  type: 'Hello',
  streamId: 0,
  payload: {
    protocolVersion: 1,
    agentVersion: '0.1.0-test',
    clusterName,
    kubernetesVersion: 'v1.30.2',
  },
});

/**
 * Connects, says Hello, waits for Welcome, then answers every Request with
 * a JSON body naming the agent, so a test can tell which session served it.
 */
export async function connectAnsweringAgent(
  port: number,
  cluster: string,
  token: string,
  agentId: string,
): Promise<TestAgent> {
  const agent = await connectTestAgent(port, cluster, token);
  agent.send(helloFrame(cluster));
  const welcome = await agent.nextFrame();
  if (welcome.type !== 'Welcome') {
    throw new Error(`expected Welcome, got ${welcome.type}`);
  }
  agent.ws.on('message', () => {
    for (const frame of agent.frames.splice(0)) {
      if (frame.type !== 'Request') continue;
      const body = Buffer.from(
        JSON.stringify({
          agentId,
          method: frame.payload.method,
          path: frame.payload.path,
        }),
      );
      agent.send({
        type: 'Response',
        streamId: frame.streamId,
        payload: {
          status: 200,
          headers: { 'content-type': 'application/json' },
        },
      });
      agent.send({ type: 'Data', streamId: frame.streamId, payload: body });
      agent.send({ type: 'End', streamId: frame.streamId });
    }
  });
  return agent;
}
