import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import {
  AttachClusterResponse,
  renderDemoClusterCommand,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { shellWords } from '../__testUtils__/shellWords';
import { eventually, startTestPortal } from '../__testUtils__/startTestPortal';
import { runDemoCluster } from './runDemoCluster';

jest.setTimeout(120_000);

type Portal = Awaited<ReturnType<typeof startTestPortal>>;

const BIN = path.resolve(__dirname, '../../bin/gpu-fleet-demo-cluster');

/** Attaches through the registry API and returns the command the wizard shows, split as a shell would. */
async function attachAndRender(
  portal: Portal,
  request: { name: string; provider: string },
  gpus: Array<{ gpuType: 'B200' | 'H100'; gpusPerNode: number }>,
) {
  const attached = await portal.api('POST', '/clusters', request);
  expect(attached.status).toBe(201);
  const body = attached.body as AttachClusterResponse;
  const command = renderDemoClusterCommand({
    provider: body.cluster.provider,
    clusterName: body.cluster.name,
    token: body.token,
    addons: body.cluster.addons,
    gpuShapes: gpus,
    portalUrl: portal.baseUrl,
  });
  expect(command).toMatch(/^yarn demo:cluster /);
  return {
    body,
    argv: shellWords(command.replace(/^yarn demo:cluster /, '')),
  };
}

function recorder() {
  const out: string[] = [];
  const err: string[] = [];
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-cluster-'));
  return {
    out,
    err,
    io: { out: out.push.bind(out), err: err.push.bind(err), dataDir },
  };
}

const clusterStatus = async (portal: Portal, name: string) =>
  (await portal.api('GET', `/clusters/${name}`)).body.status;

describe('yarn demo:cluster', () => {
  let portal: Portal;
  /** A run a failed test left going, stopped before the next. */
  let running: { stop: AbortController; run: Promise<number> } | undefined;
  beforeAll(async () => {
    portal = await startTestPortal();
  });
  afterEach(async () => {
    running?.stop.abort();
    await running?.run;
    running = undefined;
  });

  it('connects with the one-time token, and the portal gets its prerequisites and the requested GPUs', async () => {
    const { body, argv } = await attachAndRender(
      portal,
      { name: 'fs-b200', provider: 'fluidstack' },
      [{ gpuType: 'B200', gpusPerNode: 8 }],
    );
    const { out, err, io } = recorder();
    const stop = new AbortController();
    const run = runDemoCluster([...argv, '--nodes', '3'], io, stop.signal);
    running = { stop, run };

    await eventually(async () =>
      expect(await clusterStatus(portal, 'fs-b200')).toBe('connected'),
    );
    await eventually(async () =>
      expect(out).toContainEqual(
        `  ✔ connected: watch fs-b200 at ${portal.baseUrl}/gpu-fleet/clusters/fs-b200 (prerequisites, then its GPUs on the capacity page)`,
      ),
    );
    expect(out).toContainEqual(
      expect.stringMatching(
        /^ {2}✔ simulated Kubernetes API at http:\/\/127\.0\.0\.1:\d+: 3 nodes, 24 GPUs$/,
      ),
    );
    expect(out).toContainEqual(
      `  … agent connecting to ${portal.baseUrl.replace(
        'http',
        'ws',
      )}/api/gpu-fleet/agent/connect as fs-b200`,
    );

    // Its inventory: three nodes of eight B200 each, as the simulator's nodes say.
    await eventually(async () => {
      const inventory = await portal.api('GET', '/clusters/fs-b200/inventory');
      expect(
        inventory.body.nodes
          .filter((n: any) => n.gpuCount > 0)
          .map((n: any) => `${n.gpuType}x${n.gpuCount}`),
      ).toEqual(['B200x8', 'B200x8', 'B200x8']);
    });
    const capacity = await portal.api(
      'GET',
      '/capacity?groupBy=cluster,gpuType',
    );
    expect(capacity.body.rows.map((r: any) => [r.key, r.total])).toEqual([
      [{ cluster: 'fs-b200', gpuType: 'B200' }, 24],
    ]);

    // Its prerequisites, as a real Fluidstack cluster's would read.
    await eventually(async () => {
      const { checks } = (
        await portal.api('GET', '/clusters/fs-b200/prerequisites')
      ).body;
      const byId = Object.fromEntries(checks.map((c: any) => [c.id, c]));
      expect(byId['kubernetes-version'].status).toBe('pass');
      // Fluidstack does not label node pools: the check says to label them.
      expect(byId['node-labels']).toMatchObject({
        status: 'fail',
        details: { gpuTypes: ['B200'], nodePools: [] },
      });
      // No network probes from a simulated cluster; the registries of its add-ons are listed.
      expect(byId['registry-egress'].status).toBe('unknown');
      // cert-manager (quay.io), mpi-operator (docker.io) and the agent (ghcr.io).
      expect(byId['registry-egress'].details.registries).toEqual([
        'docker.io',
        'ghcr.io',
        'quay.io',
      ]);
    });
    expect([...body.cluster.addons].sort()).toEqual([
      'cert-manager',
      'mpi-operator',
    ]);

    stop.abort();
    expect(await run).toBe(0);
    expect(out.slice(-2)).toEqual([
      '  … stopping the agent and the simulated cluster',
      '  ✔ stopped',
    ]);
    expect(err).toEqual([]);
    await eventually(async () =>
      expect(await clusterStatus(portal, 'fs-b200')).toBe('disconnected'),
    );
  });

  it('says the portal refused a token that is not the cluster’s, and exits 1', async () => {
    const { argv } = await attachAndRender(
      portal,
      { name: 'eks-wrong-token', provider: 'eks' },
      [{ gpuType: 'H100', gpusPerNode: 8 }],
    );
    const token = argv.indexOf('--token') + 1;
    argv[token] = `gfct_${'A'.repeat(43)}`;
    const { err, io } = recorder();

    expect(await runDemoCluster(argv, io, new AbortController().signal)).toBe(
      1,
    );
    expect(err).toEqual([
      'yarn demo:cluster: the portal refused the token for eks-wrong-token (HTTP 401): use the token shown when eks-wrong-token was attached or its token last rotated, with the same --name',
    ]);
    expect(await clusterStatus(portal, 'eks-wrong-token')).toBe('pending');
  });

  it('refuses bad options before starting anything, naming each', async () => {
    const { out, err, io } = recorder();
    expect(
      await runDemoCluster(
        ['--provider', 'digitalocean', '--gpus', 'lots', '--token', 'gfct_x'],
        io,
        new AbortController().signal,
      ),
    ).toBe(2);
    expect(out).toEqual([]);
    expect(err.slice(0, 3)).toEqual([
      "yarn demo:cluster: --provider 'digitalocean' is not a provider the simulator knows; use one of eks, aks, gke, oke, coreweave, lambda, fluidstack, nebius, generic",
      "yarn demo:cluster: --name is required: the attached cluster's name, as the wizard shows it",
      "yarn demo:cluster: --gpus 'lots' is not <GPU type>x<GPUs per node>[,...], e.g. B200x8 or H100x8,L40Sx4",
    ]);
    expect(err.join('\n')).toMatch(/^Usage: yarn demo:cluster --provider/m);
    expect(fs.readdirSync(io.dataDir)).toEqual([]);
  });

  it('runs as a script, and Ctrl-C stops the agent and the simulator', async () => {
    const { argv } = await attachAndRender(
      portal,
      { name: 'oke-script', provider: 'oke' },
      [{ gpuType: 'H100', gpusPerNode: 8 }],
    );
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-cluster-'));
    const child = spawn(process.execPath, [BIN, ...argv], {
      env: { ...process.env, GPU_FLEET_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>(resolve =>
      child.once('exit', code => resolve(code)),
    );
    const lines: string[] = [];
    readline
      .createInterface({ input: child.stdout })
      .on('line', line => lines.push(line));
    let stderr = '';
    child.stderr.on('data', chunk => {
      stderr += chunk;
    });
    try {
      await eventually(async () =>
        expect(lines).toContainEqual(
          expect.stringMatching(/^ {2}✔ connected: watch oke-script at /),
        ),
      );
      expect(await clusterStatus(portal, 'oke-script')).toBe('connected');
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    expect(stderr).toBe('');
    expect(lines.slice(-1)).toEqual(['  ✔ stopped']);
    expect(
      fs.existsSync(path.join(dataDir, 'demo', 'oke-script.kubeconfig')),
    ).toBe(true);
    // The simulator is gone, and so is the agent: the portal sees it leave.
    const simulatorUrl = /simulated Kubernetes API at (\S+):/.exec(
      lines.join('\n'),
    )![1];
    await expect(fetch(`${simulatorUrl}/version`)).rejects.toThrow();
    await eventually(async () =>
      expect(await clusterStatus(portal, 'oke-script')).toBe('disconnected'),
    );
  });
});
