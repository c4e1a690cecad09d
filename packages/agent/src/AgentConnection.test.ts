import fs from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { decodeFrame, encodeFrame } from '@gpu-fleet/plugin-gpu-fleet-common';
import { WebSocketServer } from 'ws';
import { AgentConnection } from './AgentConnection';
import { startControlPlaneWithAgent } from './__testUtils__/startControlPlaneWithAgent';
import { KubeApiForwarder } from './KubeApiForwarder';

jest.setTimeout(60_000);

const quiet = { info: () => {}, warn: () => {} };

/** Stands in for the API server; only the agent's ServiceAccount token is accepted. */
async function apiServer() {
  const seenAuthorization: string[] = [];
  const server = http.createServer((req, res) => {
    seenAuthorization.push(String(req.headers.authorization));
    if (req.headers.authorization !== 'Bearer agent-sa-token') {
      res.writeHead(401).end();
      return;
    }
    if (req.url === '/version') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ gitVersion: 'v1.30.2' }));
      return;
    }
    const bytes = Number(
      new URL(req.url!, 'http://x').searchParams.get('bytes') ?? 100,
    );
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(Buffer.alloc(bytes, 'x'));
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-kubeconfig-'));
  const kubeconfig = path.join(dir, 'config');
  fs.writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name: 'c',
          cluster: {
            server: `http://127.0.0.1:${
              (server.address() as AddressInfo).port
            }`,
            // client-node refuses plain HTTP unless told the endpoint is insecure.
            'insecure-skip-tls-verify': true,
          },
        },
      ],
      users: [{ name: 'u', user: { token: 'agent-sa-token' } }],
      contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'ctx',
    }),
  );
  return {
    kubeconfig,
    seenAuthorization,
    close: () => {
      fs.rmSync(dir, { recursive: true, force: true });
      return new Promise(r => server.close(r));
    },
  };
}

describe('AgentConnection', () => {
  it('carries proxied requests to the API server with its own credentials', async () => {
    const api = await apiServer();
    const { base, user, agent } = await startControlPlaneWithAgent({
      clusterName: 'lambda-h200',
      provider: 'lambda',
      kubeconfig: api.kubeconfig,
    });

    const cluster = await fetch(`${base}/clusters/lambda-h200`, {
      headers: user,
    }).then(r => r.json());
    expect(cluster).toMatchObject({
      status: 'connected',
      kubernetesVersion: 'v1.30.2',
      agentVersion: '0.1.0',
    });

    const list = await fetch(
      `${base}/clusters/lambda-h200/proxy/api/v1/pods?bytes=${5 * 1024 * 1024}`,
      {
        headers: user,
      },
    );
    expect(list.status).toBe(200);
    expect(list.headers.get('content-type')).toBe('application/json');
    expect((await list.arrayBuffer()).byteLength).toBe(5 * 1024 * 1024);
    // The user's Backstage token stops at the control plane.
    expect(new Set(api.seenAuthorization)).toEqual(
      new Set(['Bearer agent-sa-token']),
    );

    agent.stop();
    await api.close();
  });

  it('dials again after the connection drops', async () => {
    const api = await apiServer();
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise(r => wss.once('listening', r));
    const hellos: string[] = [];
    wss.on('connection', ws => {
      ws.on('message', data => {
        const frame = decodeFrame(data as Buffer);
        if (frame.type !== 'Hello') return;
        hellos.push(frame.payload.clusterName);
        ws.send(
          encodeFrame({
            type: 'Welcome',
            streamId: 0,
            payload: {
              protocolVersion: 1,
              maxFrameBytes: 65536,
              initialWindowBytes: 65536,
              heartbeatIntervalMs: 15000,
            },
          }),
        );
        if (hellos.length === 1) ws.close(1001, 'going away');
      });
    });
    let welcomes = 0;
    const twice = new Promise<void>(resolve => {
      const agent = new AgentConnection(
        {
          controlPlaneUrl: `ws://127.0.0.1:${
            (wss.address() as AddressInfo).port
          }/`,
          clusterName: 'oke-h100',
          token: 'gfct_test',
        },
        KubeApiForwarder.fromEnvironment(api.kubeconfig),
        {
          agentVersion: '0.1.0',
          logger: quiet,
          initialBackoffMs: 50,
          onWelcome: () => {
            welcomes += 1;
            if (welcomes === 2) {
              agent.stop();
              resolve();
            }
          },
        },
      );
      agent.start();
    });
    await twice;
    expect(hellos).toEqual(['oke-h100', 'oke-h100']);
    await new Promise(r => wss.close(r));
    await api.close();
  });

  it('backs off exponentially with jitter up to a ceiling', () => {
    const agent = new AgentConnection(
      { controlPlaneUrl: 'ws://x', clusterName: 'x', token: 'gfct_x' },
      {} as KubeApiForwarder,
      {
        agentVersion: '0',
        logger: quiet,
        initialBackoffMs: 1000,
        maxBackoffMs: 8000,
      },
    );
    const delays = Array.from({ length: 6 }, () => agent.nextDelayMs());
    const ceilings = [1000, 2000, 4000, 8000, 8000, 8000];
    delays.forEach((delay, i) => {
      expect(delay).toBeGreaterThanOrEqual(ceilings[i] / 2);
      expect(delay).toBeLessThanOrEqual(ceilings[i]);
    });
  });
});
