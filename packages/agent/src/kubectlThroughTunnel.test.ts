import { spawn } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { startSimulator, writeKubeconfig } from '@gpu-fleet/k8s-simulator';
import { parse, stringify } from 'yaml';
import { runKubectl } from './__testUtils__/runKubectl';
import { startControlPlaneWithAgent } from './__testUtils__/startControlPlaneWithAgent';

jest.setTimeout(120_000);

const scenario = path.resolve(
  require.resolve('@gpu-fleet/k8s-simulator/package.json'),
  '../scenarios/eks-p5.yaml',
);

describe('kubectl through the portal', () => {
  let dir: string;
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  let agent: { stop(): void };
  let direct: string;
  let tunnel: string;
  let kubeconfig: any;

  const kubectl = async (file: string, ...args: string[]) => {
    const result = await runKubectl(['--kubeconfig', file, ...args], {
      home: dir,
    });
    if (result.code !== 0) {
      throw new Error(`kubectl ${args.join(' ')}: ${result.stderr}`);
    }
    return result.stdout;
  };
  // The downloaded kubeconfig with its user's credential changed.
  const withUser = (name: string, user: object) => {
    const file = path.join(dir, `${name}.yaml`);
    fs.writeFileSync(
      file,
      stringify({
        ...kubeconfig,
        users: [{ name: kubeconfig.users[0].name, user }],
      }),
    );
    return file;
  };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gpu-fleet-kubectl-'));
    sim = await startSimulator({ scenario });
    direct = path.join(dir, 'direct.yaml');
    writeKubeconfig(sim.url, direct, 'eks-p5');

    const started = await startControlPlaneWithAgent({
      clusterName: 'eks-p5',
      provider: 'eks',
      kubeconfig: direct,
    });
    agent = started.agent;
    const res = await fetch(`${started.base}/clusters/eks-p5/kubeconfig`, {
      headers: started.user,
    });
    const text = await res.text();
    if (res.status !== 200) {
      throw new Error(`kubeconfig route answered ${res.status}: ${text}`);
    }
    tunnel = path.join(dir, 'tunnel.yaml');
    fs.writeFileSync(tunnel, text);
    kubeconfig = parse(text);
  });

  afterAll(async () => {
    agent?.stop();
    await sim?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('hands out an https server with its CA, so kubectl sends the token', () => {
    const { cluster } = kubeconfig.clusters[0];
    expect(cluster.server).toMatch(
      /^https:\/\/localhost:\d+\/api\/gpu-fleet\/clusters\/eks-p5\/proxy$/,
    );
    expect(
      Buffer.from(cluster['certificate-authority-data'], 'base64').toString(),
    ).toContain('-----BEGIN CERTIFICATE-----');
    expect(cluster['insecure-skip-tls-verify']).toBeUndefined();
    expect(kubeconfig.users[0].user.token).toEqual(expect.any(String));
  });

  it('sees and changes a simulated cluster exactly as it would directly', async () => {
    // get nodes: the same answer through the tunnel as straight from the cluster.
    const nodes = await kubectl(tunnel, 'get', 'nodes', '-o', 'name');
    expect(nodes.trim().split('\n').length).toBeGreaterThan(0);
    expect(nodes).toBe(await kubectl(direct, 'get', 'nodes', '-o', 'name'));

    // apply -f, server-side: the object lands in the cluster.
    const manifest = path.join(dir, 'cm.yaml');
    fs.writeFileSync(
      manifest,
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: gpu-fleet-demo\n  namespace: default\ndata:\n  model: llama-3-8b\n',
    );
    expect(
      await kubectl(tunnel, 'apply', '--server-side', '-f', manifest),
    ).toContain('configmap/gpu-fleet-demo serverside-applied');
    expect(
      await kubectl(
        direct,
        'get',
        'configmap',
        'gpu-fleet-demo',
        '-o',
        'jsonpath={.data.model}',
      ),
    ).toBe('llama-3-8b');

    // logs of a pod, read through the tunnel.
    sim.store.createObject({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'trainer-0', namespace: 'default' },
      spec: { containers: [{ name: 'main', image: 'busybox' }] },
    });
    sim.appendPodLog('default', 'trainer-0', 'main', 'epoch 1 loss 1.92');
    expect(await kubectl(tunnel, 'logs', 'trainer-0', '-c', 'main')).toContain(
      'epoch 1 loss 1.92',
    );

    // A watch streams through: once kubectl has printed the list it watches
    // from, a new object shows up; the request timeout bounds it regardless.
    const watch = spawn(
      '/usr/bin/kubectl',
      [
        '--kubeconfig',
        tunnel,
        'get',
        'configmaps',
        '-w',
        '--request-timeout=60s',
        '-o',
        'name',
      ],
      { env: { PATH: process.env.PATH, HOME: dir } },
    );
    let seen = '';
    const printed = (text: string) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (seen.includes(text)) resolve();
        };
        watch.stdout.on('data', chunk => {
          seen += chunk;
          check();
        });
        watch.once('exit', () =>
          reject(new Error(`the watch ended without ${text}: ${seen}`)),
        );
        check();
      });
    try {
      await printed('configmap/gpu-fleet-demo');
      sim.store.createObject({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'late-arrival', namespace: 'default' },
      });
      await printed('configmap/late-arrival');
    } finally {
      watch.kill();
    }
  });

  it('deletes through the tunnel (kubectl sends DeleteOptions as a body), and the cluster stays connected', async () => {
    sim.store.createObject({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'to-delete', namespace: 'default' },
    });
    expect(await kubectl(tunnel, 'delete', 'configmap', 'to-delete')).toContain(
      'configmap "to-delete" deleted',
    );
    expect(
      await kubectl(direct, 'get', 'configmaps', '-o', 'name'),
    ).not.toContain('to-delete');
    // The next requests, on the same pooled connections, are answered.
    for (let i = 0; i < 3; i++) {
      expect(await kubectl(tunnel, 'get', 'configmaps', '-o', 'name')).toContain(
        'configmap/',
      );
    }
  });

  it('refuses the same kubeconfig without its token, or with a forged one', async () => {
    // No Authorization header at all, to the server and CA the file names.
    const { cluster } = kubeconfig.clusters[0];
    const bare = await new Promise<{ status?: number; body: string }>(
      (resolve, reject) =>
        https
          .get(
            `${cluster.server}/api/v1/nodes`,
            {
              ca: Buffer.from(
                cluster['certificate-authority-data'],
                'base64',
              ).toString(),
            },
            res => {
              let body = '';
              res.on('data', chunk => (body += chunk));
              res.on('end', () => resolve({ status: res.statusCode, body }));
            },
          )
          .on('error', reject),
    );
    expect(bare.status).toBe(401);
    expect(JSON.parse(bare.body)).toMatchObject({
      kind: 'Status',
      reason: 'Unauthorized',
    });

    // kubectl with no credential at all only prompts for one (and needs a
    // terminal for the password), so the token gives way to a user name.
    const anonymous = await runKubectl(
      [
        '--kubeconfig',
        withUser('anonymous', { username: 'guest' }),
        'get',
        'nodes',
      ],
      { home: dir },
    );
    expect(anonymous.code).not.toBe(0);
    expect(anonymous.stderr).toContain('You must be logged in to the server');

    // Shaped like a Backstage token, signed by nobody the portal trusts.
    const forgedToken = [
      Buffer.from('{"alg":"ES256","kid":"forged"}').toString('base64url'),
      Buffer.from(
        JSON.stringify({
          sub: 'user:default/admin',
          exp: Math.floor(Date.now() / 1000) + 3600,
        }),
      ).toString('base64url'),
      'c2lnbmF0dXJl',
    ].join('.');
    const forged = await runKubectl(
      [
        '--kubeconfig',
        withUser('forged', { token: forgedToken }),
        'get',
        'nodes',
      ],
      { home: dir },
    );
    expect(forged.code).not.toBe(0);
    expect(forged.stderr).toContain('You must be logged in to the server');
  });
});
