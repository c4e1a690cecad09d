import {
  decodeFrame,
  encodeFrame,
  Frame,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import WebSocket from 'ws';
import { startFleetBackend } from '../__testUtils__/startFleetBackend';

// Alice's, set by start(): she may use the proxy.
let auth: { Authorization: string };

/** Answers every request with what it received, as the API server's JSON. */
async function echoAgent(port: number, cluster: string, token: string) {
  const ws = new WebSocket(
    `ws://localhost:${port}/api/gpu-fleet/agent/connect`,
    {
      headers: {
        authorization: `Bearer ${token}`,
        'x-gpu-fleet-cluster': cluster,
      },
    },
  );
  const send = (frame: Frame) => ws.send(encodeFrame(frame));
  const bodies = new Map<number, Buffer[]>();
  const requests = new Map<number, any>();
  const cancelled: number[] = [];
  const respond = (id: number) => {
    const request = requests.get(id);
    const body = Buffer.concat(bodies.get(id) ?? []).toString();
    if (request.path.split('?')[0] === '/version') {
      send({
        type: 'Response',
        streamId: id,
        payload: {
          status: 200,
          headers: { 'content-type': 'application/json' },
        },
      });
      send({
        type: 'Data',
        streamId: id,
        payload: Buffer.from(
          JSON.stringify({
            major: '1',
            minor: '30',
            gitVersion: 'v1.30.2',
            platform: 'linux/amd64',
          }),
        ),
      });
      send({ type: 'End', streamId: id });
      return;
    }
    if (request.path.includes('watch=1')) {
      send({
        type: 'Response',
        streamId: id,
        payload: {
          status: 200,
          headers: { 'content-type': 'application/json' },
        },
      });
      send({
        type: 'Data',
        streamId: id,
        payload: Buffer.from('{"type":"ADDED","object":{}}\n'),
      });
      return; // a watch stays open until cancelled
    }
    send({
      type: 'Response',
      streamId: id,
      payload: { status: 201, headers: { 'content-type': 'application/json' } },
    });
    send({
      type: 'Data',
      streamId: id,
      payload: Buffer.from(JSON.stringify({ ...request, body })),
    });
    send({ type: 'End', streamId: id });
  };
  ws.on('message', data => {
    const frame = decodeFrame(data as Buffer);
    if (frame.type === 'Request') {
      requests.set(frame.streamId, frame.payload);
      if (!frame.payload.hasBody) respond(frame.streamId);
    } else if (frame.type === 'Data') {
      bodies.set(frame.streamId, [
        ...(bodies.get(frame.streamId) ?? []),
        Buffer.from(frame.payload),
      ]);
    } else if (frame.type === 'End') {
      respond(frame.streamId);
    } else if (frame.type === 'Cancel') {
      cancelled.push(frame.streamId);
    }
  });
  await new Promise(r => ws.once('open', r));
  const welcomed = new Promise(r => ws.once('message', r));
  send({
    type: 'Hello',
    streamId: 0,
    payload: { protocolVersion: 1, agentVersion: 'echo', clusterName: cluster },
  });
  await welcomed;
  return { ws, cancelled };
}

describe('Kubernetes API proxy', () => {
  async function start(options: { certificateDirectory?: string } = {}) {
    const fleet = await startFleetBackend({
      config: {
        backend: { baseUrl: 'http://localhost:7007' },
        // kubectl sends its token only to a TLS server: the proxy's own listener.
        ...(options.certificateDirectory
          ? {
              gpuFleet: {
                proxy: {
                  tls: {
                    listen: { port: 0 },
                    certificateDirectory: options.certificateDirectory,
                  },
                },
              },
            }
          : {}),
      },
    });
    auth = { Authorization: fleet.as.alice };
    return { port: fleet.port, base: fleet.base, callers: fleet.as };
  }

  /** Status code of a proxied GET and of the kubeconfig route, as this caller. */
  async function refusals(base: string, authorization?: string) {
    const headers: Record<string, string> = authorization
      ? { Authorization: authorization }
      : {};
    const proxied = await fetch(`${base}/clusters/eks-p5/proxy/api/v1/nodes`, {
      headers,
    });
    const kubeconfig = await fetch(`${base}/clusters/eks-p5/kubeconfig`, {
      headers,
    });
    return { proxy: proxied.status, kubeconfig: kubeconfig.status };
  }

  async function attach(base: string, name: string) {
    const res = await fetch(`${base}/clusters`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name, provider: 'eks' }),
    });
    return (await res.json()).token as string;
  }

  it('passes a request and its body through the tunnel untouched', async () => {
    const { port, base } = await start();
    const token = await attach(base, 'eks-p5');
    const agent = await echoAgent(port, 'eks-p5', token);
    const manifest =
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: demo\n';
    const res = await fetch(
      `${base}/clusters/eks-p5/proxy/api/v1/namespaces/ml/configmaps?fieldManager=kubectl`,
      {
        method: 'PATCH',
        headers: {
          ...auth,
          'Content-Type': 'application/apply-patch+yaml',
          Accept: 'application/json',
        },
        body: manifest,
      },
    );
    expect(res.status).toBe(201);
    const echoed = await res.json();
    expect(echoed).toMatchObject({
      method: 'PATCH',
      path: '/api/v1/namespaces/ml/configmaps?fieldManager=kubectl',
      headers: {
        'content-type': 'application/apply-patch+yaml',
        accept: 'application/json',
      },
      body: manifest,
    });
    // The caller's Backstage token never reaches the cluster.
    expect(JSON.stringify(echoed)).not.toContain(
      auth.Authorization.slice('Bearer '.length),
    );
    agent.ws.close();
  });

  it('streams a watch and cancels it on the agent when the caller leaves', async () => {
    const { port, base } = await start();
    const token = await attach(base, 'eks-p5');
    const agent = await echoAgent(port, 'eks-p5', token);
    const controller = new AbortController();
    const res = await fetch(
      `${base}/clusters/eks-p5/proxy/api/v1/pods?watch=1`,
      {
        headers: auth,
        signal: controller.signal,
      },
    );
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(Buffer.from(first.value!).toString()).toBe(
      '{"type":"ADDED","object":{}}\n',
    );
    controller.abort();
    await new Promise(r => setTimeout(r, 300));
    expect(agent.cancelled).toHaveLength(1);
    agent.ws.close();
  });

  it('answers in Kubernetes Status form when the cluster is not connected or the path is not an API path', async () => {
    const { base } = await start();
    await attach(base, 'eks-p5');
    const offline = await fetch(`${base}/clusters/eks-p5/proxy/api/v1/nodes`, {
      headers: auth,
    });
    expect(offline.status).toBe(503);
    expect(await offline.json()).toMatchObject({
      kind: 'Status',
      reason: 'ServiceUnavailable',
      message: "cluster 'eks-p5' is not connected",
    });
    const outside = await fetch(`${base}/clusters/eks-p5/proxy/healthz`, {
      headers: auth,
    });
    expect(outside.status).toBe(400);
    expect((await outside.json()).message).toMatch(/^path: /);
  });

  it('refuses a caller without a valid Backstage token with 401', async () => {
    const { base, callers } = await start();
    await attach(base, 'eks-p5');
    for (const refused of [undefined, callers.forged, callers.expired]) {
      expect(await refusals(base, refused)).toEqual({
        proxy: 401,
        kubeconfig: 401,
      });
    }
  });

  it('refuses a caller who may not read the cluster, and gives a reader only cluster-scoped reads', async () => {
    const { base, callers } = await start();
    await attach(base, 'eks-p5');
    // Carol may read nothing.
    expect(await refusals(base, callers.carol)).toEqual({
      proxy: 403,
      kubeconfig: 403,
    });
    // Bob may read clusters: nodes pass (503: no agent), namespaces do not.
    expect(await refusals(base, callers.bob)).toEqual({
      proxy: 503,
      kubeconfig: 503,
    });
    for (const route of ['/api/v1/pods', '/api/v1/namespaces/default/pods']) {
      const res = await fetch(`${base}/clusters/eks-p5/proxy${route}`, {
        headers: { Authorization: callers.bob },
      });
      expect(res.status).toBe(403);
    }
  });

  it('answers a proxy request without a valid token with a Kubernetes Status 401', async () => {
    const { base, callers } = await start();
    for (const refused of [undefined, callers.forged]) {
      const res = await fetch(`${base}/clusters/eks-p5/proxy/api/v1/nodes`, {
        headers: refused ? { Authorization: refused } : {},
      });
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({
        kind: 'Status',
        status: 'Failure',
        code: 401,
      });
    }
  });

  it('answers a proxy request without the proxy permission with a Kubernetes Status 403', async () => {
    const { base, callers } = await start();
    const res = await fetch(`${base}/clusters/eks-p5/proxy/api/v1/nodes`, {
      headers: { Authorization: callers.carol },
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      code: 403,
    });
  });

  it('hands out a kubeconfig that the real kubectl uses through the tunnel', async () => {
    const certificateDirectory = fs.mkdtempSync(
      path.join(os.tmpdir(), 'gpu-fleet-proxy-tls-'),
    );
    const { port, base } = await start({ certificateDirectory });
    const token = await attach(base, 'eks-p5');
    const agent = await echoAgent(port, 'eks-p5', token);
    const res = await fetch(`${base}/clusters/eks-p5/kubeconfig`, {
      headers: auth,
    });
    expect(res.status).toBe(200);
    const kubeconfig = await res.text();
    expect(kubeconfig).toContain(`/api/gpu-fleet/clusters/eks-p5/proxy`);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gpu-fleet-kubeconfig-'));
    const file = path.join(dir, 'config');
    fs.writeFileSync(file, kubeconfig);
    try {
      const { stdout } = await promisify(execFile)('/usr/bin/kubectl', [
        '--kubeconfig',
        file,
        'version',
        '--output=json',
      ]);
      // kubectl reached the echo agent's /version through the proxy prefix.
      expect(JSON.parse(stdout).serverVersion).toMatchObject({
        gitVersion: 'v1.30.2',
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(certificateDirectory, { recursive: true, force: true });
      agent.ws.close();
    }
  });
});
