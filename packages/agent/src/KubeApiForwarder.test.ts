import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import {
  RunningSimulator,
  startSimulator,
  writeKubeconfig,
} from '@gpu-fleet/k8s-simulator';
import { KubeApiForwarder } from './KubeApiForwarder';

jest.setTimeout(30_000);

async function readAll(response: http.IncomingMessage) {
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}

describe('KubeApiForwarder', () => {
  let sim: RunningSimulator;
  let forwarder: KubeApiForwarder;

  beforeEach(async () => {
    sim = await startSimulator({});
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gpu-fleet-forward-'));
    const kubeconfig = path.join(dir, 'kubeconfig.yaml');
    writeKubeconfig(sim.url, kubeconfig, 'forward');
    forwarder = KubeApiForwarder.fromEnvironment(kubeconfig);
  });

  afterEach(async () => {
    forwarder.close();
    await sim.close();
  });

  const get = (requestPath: string) =>
    forwarder.forward({
      method: 'GET',
      path: requestPath,
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(20_000),
    });

  it('sends one request after another over the same connection to the API server', async () => {
    const ports: number[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await get('/api/v1/namespaces');
      ports.push(response.socket.localPort!);
      expect(response.statusCode).toBe(200);
      await readAll(response);
      // The socket goes back to the pool once the answer has been read.
      await new Promise(resolve => setImmediate(resolve));
    }
    expect(new Set(ports).size).toBe(1);
  });

  it('keeps a quiet watch open past the idle limit of pooled connections', async () => {
    const watch = await get(
      '/api/v1/namespaces/default/configmaps?watch=true&allowWatchBookmarks=false',
    );
    expect(watch.statusCode).toBe(200);
    const events: string[] = [];
    watch.setEncoding('utf8');
    watch.on('data', (chunk: string) => events.push(chunk));

    await new Promise(resolve => setTimeout(resolve, 6500));
    sim.store.createObject({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'after-quiet', namespace: 'default' },
      data: { a: '1' },
    });
    await new Promise(resolve => setTimeout(resolve, 300));
    expect(events.join('')).toContain('"after-quiet"');
    expect(watch.destroyed).toBe(false);
    watch.destroy();
  });
});
