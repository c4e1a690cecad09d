import {
  BackendFeature,
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { JsonObject } from '@backstage/types';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { gpuFleetPlugin } from '../plugin';
import { loadOrCreateCertificates } from './localCertificateAuthority';

jest.setTimeout(60_000);

const user = { Authorization: `Bearer ${mockCredentials.user.token()}` };

// Anonymous requests stay anonymous: startTestBackend would make them a mock user.
async function startBackend(
  config: JsonObject,
  features: BackendFeature[] = [],
) {
  const backend = await startTestBackend({
    features: [
      ...features,
      gpuFleetPlugin,
      mockServices.httpAuth.factory({
        defaultCredentials: mockCredentials.none(),
      }),
      mockServices.rootConfig.factory({ data: config }),
    ],
  });
  const base = `http://localhost:${backend.server.port()}/api/gpu-fleet`;
  const attached = await fetch(`${base}/clusters`, {
    method: 'POST',
    headers: { ...user, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'eks-p5', provider: 'eks' }),
  });
  expect(attached.status).toBe(201);
  return { backend, base };
}

async function downloadKubeconfig(base: string) {
  const res = await fetch(`${base}/clusters/eks-p5/kubeconfig`, {
    headers: user,
  });
  expect(res.status).toBe(200);
  const text = await res.text();
  const data = /certificate-authority-data: "([^"]+)"/.exec(text)?.[1];
  return {
    text,
    server: /server: "([^"]+)"/.exec(text)![1],
    ca: data && Buffer.from(data, 'base64').toString(),
  };
}

function get(
  url: string,
  options: { ca?: string; headers?: Record<string, string> },
) {
  return new Promise<{ status?: number; body: any }>((resolve, reject) =>
    https
      .get(url, options, res => {
        let body = '';
        res.on('data', chunk => (body += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode, body: JSON.parse(body) }),
        );
      })
      .on('error', reject),
  );
}

/** An idle TLS connection to the server, as kubectl keeps between requests. */
function openConnection(url: string, ca: string) {
  const { hostname, port } = new URL(url);
  return new Promise<tls.TLSSocket>((resolve, reject) => {
    const socket = tls.connect(
      { host: hostname, port: Number(port), servername: hostname, ca },
      () => resolve(socket),
    );
    socket.once('error', reject);
  });
}

describe('where kubeconfigs send kubectl', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gpu-fleet-endpoint-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const withListener = () => ({
    backend: { baseUrl: 'http://localhost:7007' },
    gpuFleet: {
      proxy: {
        tls: {
          listen: { host: 'localhost', port: 0 },
          certificateDirectory: path.join(dir, 'proxy-tls'),
        },
      },
    },
  });

  it('is the TLS listener, whose certificate the kubeconfig’s CA verifies, the same CA after a restart', async () => {
    const first = await startBackend(withListener());
    const kubeconfig = await downloadKubeconfig(first.base);
    expect(kubeconfig.server).toMatch(
      /^https:\/\/localhost:\d+\/api\/gpu-fleet\/clusters\/eks-p5\/proxy$/,
    );
    expect(kubeconfig.ca).toBe(
      fs.readFileSync(path.join(dir, 'proxy-tls/ca.crt'), 'utf8'),
    );
    expect(kubeconfig.text).toContain(
      `user: { token: "${mockCredentials.user.token()}" }`,
    );

    const nodes = `${kubeconfig.server}/api/v1/nodes`;
    // Trusted through the file's CA alone; not through the system's.
    await expect(get(nodes, {})).rejects.toThrow(/self[- ]signed|verify/i);
    // The main router's proxy: it wants a token, then finds no agent connected.
    expect(await get(nodes, { ca: kubeconfig.ca })).toMatchObject({
      status: 401,
      body: { kind: 'Status', reason: 'Unauthorized' },
    });
    expect(
      await get(nodes, { ca: kubeconfig.ca, headers: user }),
    ).toMatchObject({
      status: 503,
      body: { kind: 'Status', message: "cluster 'eks-p5' is not connected" },
    });

    // Shutdown ends idle connections too, and stops listening.
    const idle = await openConnection(kubeconfig.server, kubeconfig.ca!);
    const idleClosed = new Promise(r => idle.once('close', r));
    await first.backend.stop();
    await idleClosed;
    await expect(get(nodes, { ca: kubeconfig.ca })).rejects.toThrow(
      /ECONNREFUSED/,
    );

    // Restarted: the same CA, so the first kubeconfig's trust still holds.
    const second = await startBackend(withListener());
    const again = await downloadKubeconfig(second.base);
    expect(again.ca).toBe(kubeconfig.ca);
    expect(
      await get(`${again.server}/api/v1/nodes`, {
        ca: kubeconfig.ca,
        headers: user,
      }),
    ).toMatchObject({ status: 503 });
  });

  it('refuses, saying what to configure, when the portal is plain http and has no listener', async () => {
    const { base } = await startBackend({
      backend: { baseUrl: 'http://localhost:7007' },
    });
    const res = await fetch(`${base}/clusters/eks-p5/kubeconfig`, {
      headers: user,
    });
    expect(res.status).toBe(503);
    const { error } = await res.json();
    expect(error.message).toContain(
      'kubectl sends its credentials only to an https server',
    );
    expect(error.message).toContain('gpuFleet.proxy.tls.listen');
    expect(error.message).toContain('backend.baseUrl');
  });

  it('is the portal’s https address, with the configured CA, when there is no listener', async () => {
    const { caCertificate } = await loadOrCreateCertificates(
      path.join(dir, 'company-ca'),
      [],
    );
    const caFile = path.join(dir, 'company-ca/ca.crt');
    const { base } = await startBackend(
      {
        backend: { baseUrl: 'http://localhost:7007' },
        gpuFleet: { proxy: { tls: { certificateAuthorityFile: caFile } } },
      },
      [
        // Production's shape: replicas talk http inside, users reach https.
        createServiceFactory({
          service: coreServices.discovery,
          deps: {},
          factory: () => ({
            getBaseUrl: async id => `http://localhost:7007/api/${id}`,
            getExternalBaseUrl: async id =>
              `https://portal.example.com/api/${id}`,
          }),
        }),
      ],
    );
    const kubeconfig = await downloadKubeconfig(base);
    expect(kubeconfig.server).toBe(
      'https://portal.example.com/api/gpu-fleet/clusters/eks-p5/proxy',
    );
    expect(kubeconfig.ca).toBe(caCertificate);
  });
});
