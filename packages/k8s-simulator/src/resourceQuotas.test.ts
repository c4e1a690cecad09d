import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeKubeconfig } from './kubeconfig';
import { RunningSimulator, startSimulator } from './startSimulator';
import { openWatch, request } from './testing/httpClient';

jest.setTimeout(30_000);

const QUOTAS = '/api/v1/namespaces/ml/resourcequotas';
const PODS = '/api/v1/namespaces/ml/pods';

const quota = (hard: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'ResourceQuota',
  metadata: { name: 'gpu-fleet-gpu-quota', namespace: 'ml' },
  spec: { hard },
});

type Resources = { requests?: object; limits?: object };
const gpuPod = (
  name: string,
  containers: Resources[],
  extra: { initContainers?: Resources[]; phase?: string } = {},
) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: {
    containers: containers.map((resources, i) => ({
      name: `c${i}`,
      image: 'vllm/vllm-openai:v0.6.3',
      resources,
    })),
    ...(extra.initContainers
      ? {
          initContainers: extra.initContainers.map((resources, i) => ({
            name: `init${i}`,
            image: 'busybox',
            resources,
          })),
        }
      : {}),
  },
  ...(extra.phase ? { status: { phase: extra.phase } } : {}),
});

describe('resourcequotas', () => {
  let sim: RunningSimulator;
  const call = (
    method: string,
    path: string,
    options?: Parameters<typeof request>[3],
  ) => request(sim.url, method, path, options);
  const used = async () =>
    (await call('GET', `${QUOTAS}/gpu-fleet-gpu-quota`)).body.status.used;

  beforeEach(async () => {
    sim = await startSimulator({ port: 0 });
    sim.store.createObject({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'ml' },
    });
  });

  afterEach(async () => {
    await sim.close();
  });

  it('is served as core/v1 with the short name quota and a status subresource', async () => {
    const core = (await call('GET', '/api/v1')).body;
    const byName = Object.fromEntries(
      core.resources.map((r: any) => [r.name, r]),
    );
    expect(byName.resourcequotas).toMatchObject({
      kind: 'ResourceQuota',
      namespaced: true,
      shortNames: ['quota'],
    });
    expect(byName['resourcequotas/status'].verbs).toEqual([
      'get',
      'patch',
      'update',
    ]);
  });

  it('mirrors spec.hard into status.hard and counts the GPUs of unfinished pods', async () => {
    await call('POST', PODS, {
      body: gpuPod('one-request', [{ requests: { 'nvidia.com/gpu': '1' } }]),
    });
    // Extended resources may be given as a limit alone; containers add up.
    await call('POST', PODS, {
      body: gpuPod('limits-only', [
        { limits: { 'nvidia.com/gpu': 2 } },
        {
          requests: { 'nvidia.com/gpu': '1' },
          limits: { 'nvidia.com/gpu': '1' },
        },
      ]),
    });
    // An init container runs alone: the larger of it and the containers counts.
    await call('POST', PODS, {
      body: gpuPod('init-heavy', [{ requests: { 'amd.com/gpu': '1' } }], {
        initContainers: [{ requests: { 'amd.com/gpu': '2' } }],
      }),
    });
    await call('POST', PODS, {
      body: gpuPod('finished', [{ requests: { 'nvidia.com/gpu': '8' } }], {
        phase: 'Succeeded',
      }),
    });
    await call('POST', PODS, {
      body: gpuPod('failed', [{ requests: { 'nvidia.com/gpu': '8' } }], {
        phase: 'Failed',
      }),
    });

    const created = await call('POST', QUOTAS, {
      body: quota({
        'requests.nvidia.com/gpu': '8',
        'requests.amd.com/gpu': '4',
        pods: '10',
      }),
    });
    expect(created.status).toBe(201);
    const read = await call('GET', `${QUOTAS}/gpu-fleet-gpu-quota`);
    expect(read.body.status).toEqual({
      hard: {
        'requests.nvidia.com/gpu': '8',
        'requests.amd.com/gpu': '4',
        pods: '10',
      },
      used: {
        'requests.nvidia.com/gpu': '4',
        'requests.amd.com/gpu': '2',
        pods: '3',
      },
    });
    expect(read.body.metadata.managedFields).toContainEqual(
      expect.objectContaining({
        manager: 'kube-controller-manager',
        subresource: 'status',
      }),
    );
  });

  it('keeps status.used current as pods come, finish and go, and follows spec changes', async () => {
    await call('POST', QUOTAS, {
      body: quota({ 'requests.nvidia.com/gpu': '8' }),
    });
    expect(await used()).toEqual({ 'requests.nvidia.com/gpu': '0' });
    const watch = await openWatch(
      sim.url,
      `${QUOTAS}?watch=1&resourceVersion=${sim.store.resourceVersion}`,
    );
    try {
      await call('POST', PODS, {
        body: gpuPod('train-0', [{ requests: { 'nvidia.com/gpu': '4' } }]),
      });
      await call('POST', PODS, {
        body: gpuPod('train-1', [{ requests: { 'nvidia.com/gpu': '2' } }]),
      });
      expect(await used()).toEqual({ 'requests.nvidia.com/gpu': '6' });

      await call('PATCH', `${PODS}/train-0/status`, {
        body: { status: { phase: 'Succeeded' } },
        contentType: 'application/merge-patch+json',
      });
      expect(await used()).toEqual({ 'requests.nvidia.com/gpu': '2' });

      await call('DELETE', `${PODS}/train-1`);
      expect(await used()).toEqual({ 'requests.nvidia.com/gpu': '0' });

      await call('PATCH', `${QUOTAS}/gpu-fleet-gpu-quota`, {
        body: { spec: { hard: { 'requests.amd.com/gpu': '2' } } },
        contentType: 'application/merge-patch+json',
      });
      const status = (await call('GET', `${QUOTAS}/gpu-fleet-gpu-quota`)).body
        .status;
      expect(status).toEqual({
        hard: { 'requests.nvidia.com/gpu': '8', 'requests.amd.com/gpu': '2' },
        used: { 'requests.nvidia.com/gpu': '0', 'requests.amd.com/gpu': '0' },
      });

      // Watchers see each change once, in resourceVersion order, even the
      // controller's own write in answer to the spec change.
      const events = await watch.waitForEvents(6);
      expect(
        events.map(e => [
          e.object.spec.hard['requests.amd.com/gpu'],
          e.object.status.used['requests.nvidia.com/gpu'],
        ]),
      ).toEqual([
        [undefined, '4'],
        [undefined, '6'],
        [undefined, '2'],
        [undefined, '0'],
        ['2', '0'],
        ['2', '0'],
      ]);
      expect(events[5].object.status.used['requests.amd.com/gpu']).toBe('0');
      const versions = events.map(e =>
        Number(e.object.metadata.resourceVersion),
      );
      expect(versions).toEqual([...versions].sort((a, b) => a - b));
    } finally {
      watch.close();
    }
  });

  it('counts only pods in its own namespace', async () => {
    sim.store.createObject({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'other' },
    });
    sim.store.createObject(quota({ 'requests.nvidia.com/gpu': '1' }));
    sim.store.createObject({
      ...gpuPod('elsewhere', [{ requests: { 'nvidia.com/gpu': '8' } }]),
      metadata: { name: 'elsewhere', namespace: 'other' },
    });
    expect(
      sim.store.getObject('v1', 'ResourceQuota', 'gpu-fleet-gpu-quota', 'ml')
        .status,
    ).toEqual({
      hard: { 'requests.nvidia.com/gpu': '1' },
      used: { 'requests.nvidia.com/gpu': '0' },
    });
  });

  it('refuses negative quantities and fractional GPUs with a 422 naming the key', async () => {
    const bad = await call('POST', QUOTAS, {
      body: quota({
        'requests.nvidia.com/gpu': '1.5',
        'requests.amd.com/gpu': '-1',
      }),
    });
    expect(bad.status).toBe(422);
    expect(bad.body.details.causes).toEqual([
      {
        reason: 'FieldValueInvalid',
        message: 'Invalid value: "1.5": must be an integer',
        field: 'spec.hard[requests.nvidia.com/gpu]',
      },
      {
        reason: 'FieldValueInvalid',
        message: 'Invalid value: "-1": must be greater than or equal to 0',
        field: 'spec.hard[requests.amd.com/gpu]',
      },
    ]);
  });

  it('shows used against hard in kubectl get quota', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8s-simulator-quota-'));
    writeKubeconfig(sim.url, join(dir, 'kubeconfig'));
    sim.store.createObject(quota({ 'requests.nvidia.com/gpu': '8' }));
    sim.store.createObject({
      ...gpuPod('serve', [{ requests: { 'nvidia.com/gpu': '2' } }]),
      metadata: { name: 'serve', namespace: 'ml' },
    });
    try {
      const out = await new Promise<string>((resolve, reject) =>
        execFile(
          '/usr/bin/kubectl',
          ['--cache-dir', join(dir, 'cache'), 'get', 'quota', '-n', 'ml'],
          {
            env: {
              PATH: process.env.PATH,
              HOME: dir,
              KUBECONFIG: join(dir, 'kubeconfig'),
            },
          },
          (error, stdout, stderr) =>
            error ? reject(new Error(stderr)) : resolve(stdout),
        ),
      );
      expect(out).toMatch(/^NAME\s+AGE\s+REQUEST\s+LIMIT\n/);
      expect(out).toMatch(
        /gpu-fleet-gpu-quota\s+\d+s\s+requests\.nvidia\.com\/gpu: 2\/8\s*\n$/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
