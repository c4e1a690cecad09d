import { KubeConfig } from '@kubernetes/client-node';
import {
  InventoryReport,
  nodeInventoryFromNode,
  sumGpuRequestsByNode,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import {
  kubeconfigYaml,
  RunningSimulator,
  startSimulator,
} from '@gpu-fleet/k8s-simulator';
import { startTcpProxy } from '../__testUtils__/startTcpProxy';
import { InventoryReporter } from './InventoryReporter';

const SCENARIO = `${__dirname}/../../../k8s-simulator/scenarios/eks-p5.yaml`;
const ON_DEMAND_0 = 'ip-10-0-64-21.ec2.internal';
const ON_DEMAND_1 = 'ip-10-0-64-22.ec2.internal';
const SPOT_0 = 'ip-10-0-72-33.ec2.internal';

/** Reports in arrival order, awaited one at a time. */
class Reports {
  private readonly queue: InventoryReport[] = [];
  private waiting?: (report: InventoryReport) => void;

  readonly push = (report: InventoryReport) => {
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve(report);
    } else {
      this.queue.push(report);
    }
  };

  next(): Promise<InventoryReport> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise(resolve => (this.waiting = resolve));
  }

  async nextDelta() {
    const report = await this.next();
    if (report.type !== 'delta') {
      throw new Error(`expected a delta, got a ${report.type}`);
    }
    return report;
  }
}

function gpuPod(name: string, nodeName: string, gpus: number) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'training' },
    spec: {
      nodeName,
      containers: [
        {
          name: 'main',
          image: 'vllm/vllm-openai:v0.6.3',
          resources: { limits: { 'nvidia.com/gpu': String(gpus) } },
        },
      ],
      tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists' }],
    },
    status: { phase: 'Running' },
  };
}

function kubeConfigFor(url: string) {
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfigYaml(url, 'eks-p5'));
  return kc;
}

describe('InventoryReporter', () => {
  let sim: RunningSimulator;
  let reporter: InventoryReporter | undefined;
  let reports: Reports;

  beforeEach(async () => {
    sim = await startSimulator({ scenario: SCENARIO });
    reports = new Reports();
  });

  afterEach(async () => {
    await reporter?.stop();
    reporter = undefined;
    await sim.close();
  });

  async function startReporter(url = sim.url) {
    reporter = new InventoryReporter(kubeConfigFor(url), reports.push, {
      coalesceMs: 100,
      retryInitialMs: 50,
      retryMaxMs: 200,
    });
    await reporter.start();
    const first = await reports.next();
    if (first.type !== 'snapshot') throw new Error('expected a snapshot');
    return first;
  }

  it("starts with a snapshot of the scenario's nodes and their allocated GPUs", async () => {
    const snapshot = await startReporter();

    const nodes = sim.store.listObjects('v1', 'Node');
    const allocated = sumGpuRequestsByNode(sim.store.listObjects('v1', 'Pod'));
    const expected = nodes
      .map(n =>
        nodeInventoryFromNode(n, {
          gpuAllocated: allocated.get(n.metadata.name!) ?? 0,
        }),
      )
      .sort((a, b) => a.name.localeCompare(b.name));
    expect(snapshot.seq).toBe(1);
    expect(snapshot.nodes).toEqual(expected);
    expect(snapshot.nodes).toHaveLength(5);
    const sum = (key: 'gpuCount' | 'gpuAllocated') =>
      snapshot.nodes.reduce((s, n) => s + n[key], 0);
    expect(sum('gpuCount')).toBe(24);
    expect(sum('gpuAllocated')).toBe(12);
    expect(snapshot.nodes.find(n => n.name === SPOT_0)).toMatchObject({
      nodePool: 'p5-h100-spot',
      gpuType: 'H100',
      capacityType: 'spot',
      gpuAllocated: 4,
    });
  });

  it('reports a new 4-GPU pod as +4 on its node alone, and gives the GPUs back when it succeeds or is deleted', async () => {
    await startReporter();

    sim.store.createObject(gpuPod('vllm-llama-0', ON_DEMAND_1, 4));
    const added = await reports.nextDelta();
    expect(added).toEqual({
      type: 'delta',
      seq: 2,
      upserts: [
        expect.objectContaining({ name: ON_DEMAND_1, gpuAllocated: 4 }),
      ],
      removed: [],
    });

    sim.store.patchObject(
      'v1',
      'Pod',
      'vllm-llama-0',
      'training',
      { status: { phase: 'Succeeded' } },
      { subresource: 'status' },
    );
    const finished = await reports.nextDelta();
    expect(finished.seq).toBe(3);
    expect(finished.upserts).toEqual([
      expect.objectContaining({ name: ON_DEMAND_1, gpuAllocated: 0 }),
    ]);

    sim.store.createObject(gpuPod('vllm-llama-1', ON_DEMAND_1, 2));
    expect((await reports.nextDelta()).upserts).toEqual([
      expect.objectContaining({ name: ON_DEMAND_1, gpuAllocated: 2 }),
    ]);
    sim.store.deleteObject('v1', 'Pod', 'vllm-llama-1', 'training');
    const deleted = await reports.nextDelta();
    expect(deleted.seq).toBe(5);
    expect(deleted.upserts).toEqual([
      expect.objectContaining({ name: ON_DEMAND_1, gpuAllocated: 0 }),
    ]);
  });

  it('merges a burst of changes into one delta of the nodes that changed', async () => {
    await startReporter();
    sim.store.createObject(gpuPod('a', ON_DEMAND_1, 2));
    sim.store.createObject(gpuPod('b', ON_DEMAND_1, 2));
    sim.store.createObject(gpuPod('c', SPOT_0, 1));
    // A CPU-only pod changes no node's report.
    sim.store.createObject({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'cpu', namespace: 'training' },
      spec: {
        nodeName: ON_DEMAND_0,
        containers: [{ name: 'm', image: 'busybox' }],
      },
    });
    const delta = await reports.nextDelta();
    expect(delta.upserts.map(n => [n.name, n.gpuAllocated])).toEqual([
      [ON_DEMAND_1, 4],
      [SPOT_0, 5],
    ]);
  });

  it('reports cordoning and deleting a node', async () => {
    await startReporter();

    sim.store.patchObject('v1', 'Node', ON_DEMAND_0, undefined, {
      spec: { unschedulable: true },
    });
    const cordoned = await reports.nextDelta();
    expect(cordoned.upserts).toEqual([
      expect.objectContaining({
        name: ON_DEMAND_0,
        schedulable: false,
        gpuAllocated: 8,
      }),
    ]);

    sim.store.deleteObject('v1', 'Node', SPOT_0);
    const gone = await reports.nextDelta();
    expect(gone).toEqual({
      type: 'delta',
      seq: 3,
      upserts: [],
      removed: [SPOT_0],
    });
  });

  it('sends a full snapshot with the next seq after resnapshot()', async () => {
    await startReporter();
    sim.store.createObject(gpuPod('p', ON_DEMAND_1, 1));
    expect((await reports.next()).type).toBe('delta');

    reporter!.resnapshot();
    const again = await reports.next();
    expect(again.type).toBe('snapshot');
    expect(again.seq).toBe(3);
    expect(again.type === 'snapshot' && again.nodes).toHaveLength(5);
  });

  it('relists after its resourceVersion expired while it was cut off, and reports what changed meanwhile', async () => {
    await sim.close();
    // A short watch history so that a few changes make the agent's position expire.
    sim = await startSimulator({ scenario: SCENARIO, watchHistorySize: 5 });
    const proxy = await startTcpProxy({ host: sim.host, port: sim.port });
    try {
      await startReporter(proxy.url);
      proxy.cut();

      sim.store.createObject(gpuPod('during-outage', ON_DEMAND_1, 4));
      sim.store.deleteObject('v1', 'Node', SPOT_0);
      sim.store.deleteObject('v1', 'Pod', 'bert-large-0', 'training');
      for (let i = 0; i < 10; i++) {
        sim.store.createObject({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: `filler-${i}`, namespace: 'training' },
        });
      }
      const listsBefore = proxy.requests.filter(
        r => !r.includes('watch='),
      ).length;
      proxy.restore();

      const delta = await reports.nextDelta();
      expect(delta.upserts.map(n => [n.name, n.gpuAllocated])).toEqual([
        [ON_DEMAND_0, 0],
        [ON_DEMAND_1, 4],
      ]);
      expect(delta.removed).toEqual([SPOT_0]);
      // The watches came back with 410 Expired and the informers listed again.
      const relists = proxy.requests
        .filter(r => !r.includes('watch='))
        .slice(listsBefore);
      expect(relists).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^GET \/api\/v1\/nodes\?/),
          expect.stringMatching(/^GET \/api\/v1\/pods\?/),
        ]),
      );
    } finally {
      await reporter?.stop();
      reporter = undefined;
      await proxy.close();
    }
  });
});
