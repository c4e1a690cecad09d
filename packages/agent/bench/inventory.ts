/**
 * Benchmark of the agent's inventory: a simulated cluster of 250 GPU nodes
 * and 4,096 pods in its own process, the InventoryReporter in this one.
 * Prints time to the first snapshot, report sizes and this process's memory.
 * Run with `yarn bench:inventory` (node --expose-gc).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import {
  CoreV1Api,
  KubeConfig,
  makeInformer,
  V1Pod,
} from '@kubernetes/client-node';
import {
  InventoryReport,
  encodeFrame,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { kubeconfigYaml } from '@gpu-fleet/k8s-simulator';
import { InventoryReporter } from '../src/inventory/InventoryReporter';

const NODES = 250;
const PODS = 4096;
const BURST = { create: 200, finish: 100, remove: 100 };
const repoRoot = path.resolve(__dirname, '../../..');

const POOLS = [
  {
    name: 'p5-h100-ondemand',
    instanceType: 'p5.48xlarge',
    capacity: 'ON_DEMAND',
    product: 'NVIDIA-H100-80GB-HBM3',
    count: 100,
  },
  {
    name: 'p5-h100-spot',
    instanceType: 'p5.48xlarge',
    capacity: 'SPOT',
    product: 'NVIDIA-H100-80GB-HBM3',
    count: 50,
  },
  {
    name: 'p5en-h200',
    instanceType: 'p5en.48xlarge',
    capacity: 'ON_DEMAND',
    product: 'NVIDIA-H200',
    count: 60,
  },
  {
    name: 'p4de-a100',
    instanceType: 'p4de.24xlarge',
    capacity: 'ON_DEMAND',
    product: 'NVIDIA-A100-SXM4-80GB',
    count: 40,
  },
];

function nodeName(pool: number, index: number) {
  return `ip-10-${pool}-${Math.floor(index / 250)}-${
    (index % 250) + 4
  }.ec2.internal`;
}
const allNodes = POOLS.flatMap((p, i) =>
  Array.from({ length: p.count }, (_, j) => nodeName(i, j)),
);

/** A pod as a controller would write it: env, mounts, probes, owner, ~3 KB of JSON. */
function pod(
  i: number,
  node: string,
  gpus: number,
  ns = `team-${i % 8}`,
): V1Pod {
  let app = 'dcgm-exporter';
  if (gpus) app = gpus >= 4 ? 'trainer' : 'vllm';
  const resources = gpus
    ? {
        requests: { cpu: '8', memory: '64Gi', 'nvidia.com/gpu': String(gpus) },
        limits: { 'nvidia.com/gpu': String(gpus) },
      }
    : { requests: { cpu: '100m', memory: '128Mi' } };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${app}-${i}`,
      namespace: ns,
      labels: {
        app,
        'app.kubernetes.io/part-of': 'bench',
        'pod-template-hash': '7d9f8c6b5',
      },
      annotations: {
        'kubectl.kubernetes.io/default-container': 'main',
        'prometheus.io/scrape': 'true',
      },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: `${app}-7d9f8c6b5`,
          uid: `0000-${i}`,
          controller: true,
        },
      ],
    },
    spec: {
      nodeName: node,
      serviceAccountName: 'default',
      containers: [
        {
          name: 'main',
          image: gpus
            ? 'vllm/vllm-openai:v0.6.3'
            : 'nvcr.io/nvidia/k8s/dcgm-exporter:3.3.8-3.6.0-ubuntu22.04',
          args: [
            '--model',
            'meta-llama/Llama-3.1-8B-Instruct',
            '--port',
            '8000',
            '--tensor-parallel-size',
            String(gpus || 1),
          ],
          env: Array.from({ length: 12 }, (_, k) => ({
            name: `SETTING_${k}`,
            value: `value-${k}-${i}`,
          })),
          ports: [{ name: 'http', containerPort: 8000, protocol: 'TCP' }],
          resources,
          volumeMounts: [
            { name: 'shm', mountPath: '/dev/shm' },
            { name: 'cache', mountPath: '/root/.cache/huggingface' },
            {
              name: 'kube-api-access',
              mountPath: '/var/run/secrets/kubernetes.io/serviceaccount',
              readOnly: true,
            },
          ],
          readinessProbe: {
            httpGet: { path: '/health', port: 8000 },
            periodSeconds: 10,
          },
          livenessProbe: {
            httpGet: { path: '/health', port: 8000 },
            periodSeconds: 30,
            failureThreshold: 5,
          },
        },
      ],
      volumes: [
        { name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: '64Gi' } },
        { name: 'cache', emptyDir: {} },
        {
          name: 'kube-api-access',
          projected: {
            sources: [
              {
                serviceAccountToken: { path: 'token', expirationSeconds: 3607 },
              },
            ],
          },
        },
      ],
      tolerations: [
        { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
      ],
    },
    status: {
      phase: 'Running',
      hostIP: '10.0.0.1',
      podIP: `10.244.${i % 250}.${(i >> 8) + 2}`,
    },
  };
}

/** Per node: a 4-GPU trainer, a 2-GPU vLLM server, then exporters and agents without GPUs. */
function initialGpus(i: number) {
  const slot = Math.floor(i / NODES);
  if (slot === 0) return 4;
  return slot === 1 ? 2 : 0;
}
const initialPod = (i: number) => pod(i, allNodes[i % NODES], initialGpus(i));

export function writeScenario(file: string) {
  const scenario = {
    name: 'bench-eks',
    provider: 'aws-eks',
    kubernetesVersion: 'v1.30.4-eks-a737599',
    region: 'us-east-1',
    nodePools: POOLS.map((p, i) => ({
      name: p.name,
      count: p.count,
      instanceType: p.instanceType,
      zones: ['us-east-1a'],
      nodeNameTemplate: `ip-10-${i}-{index}.ec2.internal`,
      nodes: Array.from({ length: p.count }, (_, j) => ({
        name: nodeName(i, j),
      })),
      gpu: {
        product: p.product,
        count: 8,
        memoryMiB: 81559,
        featureDiscovery: false,
      },
      labels: {
        'eks.amazonaws.com/nodegroup': p.name,
        'eks.amazonaws.com/capacityType': p.capacity,
      },
      taints: [{ key: 'nvidia.com/gpu', value: 'true', effect: 'NoSchedule' }],
      capacity: {
        cpu: '192',
        memory: '2097036660Ki',
        pods: '100',
        'nvidia.com/gpu': '8',
      },
    })),
    namespaces: Array.from({ length: 8 }, (_, i) => `team-${i}`),
    objects: Array.from({ length: PODS }, (_, i) => initialPod(i)),
  };
  // JSON is YAML, and much faster to write and read at this size.
  fs.writeFileSync(file, JSON.stringify(scenario));
}

async function startSimulatorProcess(scenarioFile: string) {
  const child = spawn(
    process.execPath,
    [
      '-r',
      '@backstage/cli/config/nodeTransform.cjs',
      'packages/k8s-simulator/src/cli.ts',
      '--scenario',
      scenarioFile,
      '--port',
      '0',
    ],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', code =>
      reject(new Error(`simulator exited with ${code}`)),
    );
    createInterface(child.stdout!).once('line', resolve);
  });
  process.once('exit', () => child.kill('SIGTERM'));
  return { url, stop: () => child.kill('SIGTERM') };
}

const MiB = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const gc = (global as { gc?: () => void }).gc;
function memory(label: string) {
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  console.log(
    `  ${label.padEnd(38)} rss ${MiB(m.rss).padStart(10)}  heapUsed ${MiB(
      m.heapUsed,
    ).padStart(9)}`,
  );
  return m;
}

async function main() {
  if (!gc) console.log('(run with --expose-gc for steady memory figures)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'inventory-bench-'));
  const scenarioFile = path.join(dir, 'scenario.json');
  writeScenario(scenarioFile);
  console.log(
    `Simulated cluster: ${NODES} GPU nodes (8 GPUs each), ${PODS} pods; scenario ${MiB(
      fs.statSync(scenarioFile).size,
    )} of JSON`,
  );
  const sim = await startSimulatorProcess(scenarioFile);
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfigYaml(sim.url, 'bench'));
  const core = kc.makeApiClient(CoreV1Api);

  try {
    // What the simulator itself takes to serve one page, to read the snapshot time against.
    const pageStart = performance.now();
    await (await fetch(`${sim.url}/api/v1/pods?limit=500`)).arrayBuffer();
    const pageMs = performance.now() - pageStart;

    console.log('\nMemory of this process');
    const before = memory('before the reporter');

    const reports: InventoryReport[] = [];
    let notify = () => {};
    const reporter = new InventoryReporter(kc, report => {
      reports.push(report);
      notify();
    });
    const waitFor = (check: () => boolean) =>
      new Promise<void>(resolve => {
        notify = () => check() && resolve();
        notify();
      });
    const started = performance.now();
    await reporter.start();
    await waitFor(() => reports.length > 0);
    const snapshotMs = performance.now() - started;
    const snapshot = reports[0];
    const afterSnapshot = memory('after the snapshot');

    // Burst: new GPU pods, pods finishing, pods deleted, all at once through the API.
    const burstStart = performance.now();
    const ops: Promise<unknown>[] = [];
    for (let i = 0; i < BURST.create; i++) {
      ops.push(
        core.createNamespacedPod({
          namespace: 'team-0',
          body: pod(PODS + i, allNodes[(i * 7) % NODES], 1, 'team-0'),
        }),
      );
    }
    // Even-numbered pods finish, odd-numbered ones are deleted, from the start of the list.
    for (let i = 0; i < BURST.finish; i++) {
      const { metadata } = initialPod(i * 2);
      ops.push(
        core.patchNamespacedPodStatus({
          name: metadata!.name!,
          namespace: metadata!.namespace!,
          body: [{ op: 'replace', path: '/status/phase', value: 'Succeeded' }],
        }),
      );
    }
    for (let i = 0; i < BURST.remove; i++) {
      const { metadata } = initialPod(i * 2 + 1);
      ops.push(
        core.deleteNamespacedPod({
          name: metadata!.name!,
          namespace: metadata!.namespace!,
        }),
      );
    }
    await Promise.all(ops);
    ops.length = 0;
    const apiMs = performance.now() - burstStart;
    let expectedAllocated = BURST.create;
    for (let i = 0; i < PODS; i++) {
      const gone =
        (i % 2 === 0 && i < BURST.finish * 2) ||
        (i % 2 === 1 && i < BURST.remove * 2);
      if (!gone) expectedAllocated += initialGpus(i);
    }
    const state = new Map<string, number>();
    const apply = (r: InventoryReport) => {
      if (r.type === 'snapshot')
        r.nodes.forEach(n => state.set(n.name, n.gpuAllocated));
      else r.upserts.forEach(n => state.set(n.name, n.gpuAllocated));
    };
    reports.forEach(apply);
    let seen = reports.length;
    await waitFor(() => {
      reports.slice(seen).forEach(apply);
      seen = reports.length;
      return (
        [...state.values()].reduce((a, b) => a + b, 0) === expectedAllocated
      );
    });
    const burstMs = performance.now() - burstStart;
    const afterBurst = memory('after the burst');
    await reporter.stop();

    // For comparison: client-node's plain informer caching whole pod objects.
    const full = makeInformer(kc, '/api/v1/pods', () =>
      core.listPodForAllNamespaces(),
    );
    await full.start();
    const fullCached = memory(
      `plain pod informer (${full.list().length} whole pods)`,
    );
    await full.stop();

    const deltas = reports.slice(1);
    const bytes = (r: InventoryReport) => Buffer.byteLength(JSON.stringify(r));
    const frameBytes = encodeFrame({
      type: 'Report',
      streamId: 0,
      payload: { kind: 'inventory', body: snapshot },
    }).length;
    const totals = (snapshot.type === 'snapshot' ? snapshot.nodes : []).reduce(
      (t, n) => ({
        gpus: t.gpus + n.gpuCount,
        allocated: t.allocated + n.gpuAllocated,
      }),
      { gpus: 0, allocated: 0 },
    );
    console.log('\nReports');
    console.log(
      `  first snapshot after         ${snapshotMs.toFixed(0)} ms (${
        snapshot.type === 'snapshot' ? snapshot.nodes.length : 0
      } nodes, ${totals.gpus} GPUs, ${totals.allocated} allocated)`,
    );
    console.log(
      `  simulator, one 500-pod page  ${pageMs.toFixed(
        0,
      )} ms (raw HTTP, before any client work)`,
    );
    console.log(
      `  snapshot size                ${bytes(
        snapshot,
      )} bytes of JSON, ${frameBytes} bytes as a Report frame`,
    );
    console.log(
      `  burst                        ${BURST.create} created, ${
        BURST.finish
      } finished, ${BURST.remove} deleted (${apiMs.toFixed(
        0,
      )} ms of API calls)`,
    );
    console.log(
      `  deltas for the burst         ${
        deltas.length
      }, complete ${burstMs.toFixed(0)} ms after the burst began`,
    );
    deltas.forEach(d => {
      if (d.type === 'delta')
        console.log(
          `    seq ${d.seq}: ${d.upserts.length} nodes, ${bytes(d)} bytes`,
        );
    });
    console.log('\nMemory growth over "before the reporter"');
    console.log(
      `  reporter after snapshot      heap +${MiB(
        afterSnapshot.heapUsed - before.heapUsed,
      )}, rss +${MiB(afterSnapshot.rss - before.rss)}`,
    );
    console.log(
      `  reporter after burst         heap +${MiB(
        afterBurst.heapUsed - before.heapUsed,
      )}, rss +${MiB(afterBurst.rss - before.rss)}`,
    );
    console.log(
      `  plain informer, whole pods   heap +${MiB(
        fullCached.heapUsed - before.heapUsed,
      )}, rss +${MiB(fullCached.rss - before.rss)}`,
    );
  } finally {
    sim.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch(error => {
    console.error(error);
    process.exit(1);
  });
}
