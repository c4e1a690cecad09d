import { KubeConfig } from '@kubernetes/client-node';
import {
  DeploymentStatusReport,
  deploymentStatusReportSchema,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import {
  kubeconfigYaml,
  KubeObject,
  RunningSimulator,
  startSimulator,
} from '@gpu-fleet/k8s-simulator';
import { startTcpProxy } from '../__testUtils__/startTcpProxy';
import { DeploymentStatusReporter } from './DeploymentStatusReporter';

jest.setTimeout(30_000);

const NS = 'ml-inference';
const LABEL = 'gpu-fleet.io/deployment';
const UNSCHEDULABLE =
  '0/4 nodes are available: 4 Insufficient nvidia.com/gpu. preemption: 0/4 nodes are available: 4 No preemption victims found for incoming pod.';
const CRD = ['apiextensions.k8s.io/v1', 'CustomResourceDefinition'] as const;

/** Reports in arrival order, awaited one at a time; each must pass the schema. */
class Reports {
  private readonly queue: DeploymentStatusReport[] = [];
  private waiting?: (report: DeploymentStatusReport) => void;

  readonly push = (report: DeploymentStatusReport) => {
    deploymentStatusReportSchema.parse(report);
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve(report);
    } else {
      this.queue.push(report);
    }
  };

  next(): Promise<DeploymentStatusReport> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise(resolve => (this.waiting = resolve));
  }

  async nextSnapshot() {
    const report = await this.next();
    if (!report.snapshot) throw new Error('expected a snapshot');
    return report;
  }

  async nextDelta() {
    const report = await this.next();
    if (report.snapshot) throw new Error('expected a delta');
    return report;
  }
}

function namespace(name: string, managed: boolean): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      labels: managed ? { 'app.kubernetes.io/managed-by': 'gpu-fleet' } : {},
    },
  };
}

function deployment(name: string, replicas: number, ns = NS): KubeObject {
  const labels = { [LABEL]: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns, labels },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [{ name: 'vllm', image: 'vllm/vllm-openai:v0.8.5' }],
        },
      },
    },
  };
}

function service(name: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: NS, labels: { [LABEL]: name } },
    spec: { selector: { [LABEL]: name }, ports: [{ port: 8000 }] },
  };
}

function pod(
  name: string,
  deploymentName: string,
  extra: { role?: string; replicaSet?: string; node?: string } = {},
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: NS,
      labels: {
        [LABEL]: deploymentName,
        ...(extra.role && { 'gpu-fleet.io/mpi-role': extra.role }),
      },
      ...(extra.replicaSet && {
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            name: extra.replicaSet,
            uid: `uid-${extra.replicaSet}`,
            controller: true,
          },
        ],
      }),
    },
    spec: {
      ...(extra.node && { nodeName: extra.node }),
      containers: [{ name: 'main', image: 'vllm/vllm-openai:v0.8.5' }],
    },
  };
}

const runningStatus = () => ({
  phase: 'Running',
  conditions: [
    { type: 'PodScheduled', status: 'True' },
    { type: 'Ready', status: 'True' },
  ],
  containerStatuses: [
    { name: 'main', ready: true, restartCount: 0, state: { running: {} } },
  ],
});

const unschedulableStatus = {
  phase: 'Pending',
  conditions: [
    {
      type: 'PodScheduled',
      status: 'False',
      reason: 'Unschedulable',
      message: UNSCHEDULABLE,
    },
  ],
};

function event(
  name: string,
  involved: { kind: string; name: string },
  e: { type: string; reason: string; message: string; count?: number },
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name, namespace: NS },
    involvedObject: { ...involved, namespace: NS },
    type: e.type,
    reason: e.reason,
    message: e.message,
    count: e.count ?? 1,
    firstTimestamp: '2026-12-02T09:59:00Z',
    lastTimestamp: '2026-12-02T09:59:30Z',
    source: { component: 'default-scheduler' },
  };
}

function mpiJob(name: string, workers: number): KubeObject {
  const template = (role: string) => ({
    metadata: { labels: { [LABEL]: name, 'gpu-fleet.io/mpi-role': role } },
    spec: { containers: [{ name: role, image: 'mpioperator/mpi-pi' }] },
  });
  return {
    apiVersion: 'kubeflow.org/v2beta1',
    kind: 'MPIJob',
    metadata: { name, namespace: NS, labels: { [LABEL]: name } },
    spec: {
      slotsPerWorker: 8,
      mpiReplicaSpecs: {
        Launcher: { replicas: 1, template: template('launcher') },
        Worker: { replicas: workers, template: template('worker') },
      },
    },
  };
}

function kubeConfigFor(url: string) {
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfigYaml(url, 'sim'));
  return kc;
}

describe('DeploymentStatusReporter', () => {
  let sim: RunningSimulator;
  let reporter: DeploymentStatusReporter | undefined;
  let reports: Reports;

  beforeEach(async () => {
    // The test writes every object and status itself: no scheduler or kubelet.
    sim = await startSimulator({ controllers: false });
    reports = new Reports();
    sim.store.createObject(namespace(NS, true));
    sim.store.createObject(namespace('scratch', false));
  });

  afterEach(async () => {
    await reporter?.stop();
    reporter = undefined;
    await sim.close();
  });

  async function startReporter(
    options: { maxReportBytes?: number; url?: string } = {},
  ) {
    reporter = new DeploymentStatusReporter(
      kubeConfigFor(options.url ?? sim.url),
      reports.push,
      {
        coalesceMs: 100,
        retryInitialMs: 50,
        retryMaxMs: 200,
        absentRetryMs: 100,
        ...options,
      },
    );
    await reporter.start();
  }

  const status = (
    kind: string,
    apiVersion: string,
    name: string,
    body: object,
  ) =>
    sim.store.patchObject(apiVersion, kind, name, NS, { status: body } as any, {
      subresource: 'status',
    });

  /** A vLLM service with one ready replica, its pod and its Service. */
  function runningService(name: string) {
    sim.store.createObject(deployment(name, 1));
    sim.store.createObject(service(name));
    sim.store.createObject(
      pod(`${name}-7d9f8b6c5-x2x4k`, name, {
        replicaSet: `${name}-7d9f8b6c5`,
        node: 'gpu-0',
      }),
    );
    status('Pod', 'v1', `${name}-7d9f8b6c5-x2x4k`, runningStatus());
    status('Deployment', 'apps/v1', name, {
      observedGeneration: 1,
      replicas: 1,
      readyReplicas: 1,
      updatedReplicas: 1,
      availableReplicas: 1,
      conditions: [
        {
          type: 'Available',
          status: 'True',
          reason: 'MinimumReplicasAvailable',
        },
        {
          type: 'Progressing',
          status: 'True',
          reason: 'NewReplicaSetAvailable',
        },
      ],
    });
  }

  it('starts with a snapshot of the labelled deployments in managed namespaces only', async () => {
    runningService('llama-3-8b-chat');
    sim.store.createObject(
      event(
        'llama-pulled',
        { kind: 'Pod', name: 'llama-3-8b-chat-7d9f8b6c5-x2x4k' },
        {
          type: 'Normal',
          reason: 'Pulled',
          message:
            'Container image "vllm/vllm-openai:v0.8.5" already present on machine',
        },
      ),
    );
    // Not GPU Fleet's: an unmanaged namespace, and an object without the label.
    sim.store.createObject(deployment('elsewhere', 1, 'scratch'));
    sim.store.createObject({
      ...deployment('hand-made', 1),
      metadata: { name: 'hand-made', namespace: NS },
    });

    await startReporter();
    const snapshot = await reports.nextSnapshot();

    expect(snapshot.removed).toEqual([]);
    expect(snapshot.deployments).toHaveLength(1);
    const [llama] = snapshot.deployments;
    expect(llama).toMatchObject({
      namespace: NS,
      name: 'llama-3-8b-chat',
      phase: 'Running',
      summary: '1/1 replicas ready',
      replicas: { desired: 1, ready: 1, updated: 1, available: 1 },
      rollout: { complete: true, reason: 'NewReplicaSetAvailable' },
      pods: [
        {
          name: 'llama-3-8b-chat-7d9f8b6c5-x2x4k',
          phase: 'Running',
          ready: true,
          restarts: 0,
          node: 'gpu-0',
        },
      ],
      events: [
        {
          type: 'Normal',
          reason: 'Pulled',
          object: 'Pod/llama-3-8b-chat-7d9f8b6c5-x2x4k',
          count: 1,
          lastTimestamp: '2026-12-02T09:59:30.000Z',
        },
      ],
      objects: [
        { apiVersion: 'apps/v1', kind: 'Deployment', name: 'llama-3-8b-chat' },
        { apiVersion: 'v1', kind: 'Service', name: 'llama-3-8b-chat' },
      ],
    });
  });

  it('reports a deployment waiting for GPUs, then running, and only the deployments that changed', async () => {
    runningService('llama-3-8b-chat');
    await startReporter();
    await reports.nextSnapshot();

    sim.store.createObject(deployment('mistral-7b', 1));
    sim.store.createObject(
      pod('mistral-7b-5c6f7d8b9-abcde', 'mistral-7b', {
        replicaSet: 'mistral-7b-5c6f7d8b9',
      }),
    );
    status('Pod', 'v1', 'mistral-7b-5c6f7d8b9-abcde', unschedulableStatus);
    sim.store.createObject(
      event(
        'mistral-sched',
        { kind: 'Pod', name: 'mistral-7b-5c6f7d8b9-abcde' },
        {
          type: 'Warning',
          reason: 'FailedScheduling',
          message: UNSCHEDULABLE,
          count: 3,
        },
      ),
    );
    // A burst of writes arrives as one delta with one entry.
    const pending = await reports.nextDelta();
    expect(pending.removed).toEqual([]);
    expect(pending.deployments.map(d => d.name)).toEqual(['mistral-7b']);
    expect(pending.deployments[0]).toMatchObject({
      phase: 'Pending',
      summary: `1 of 1 pod Pending: ${UNSCHEDULABLE}`,
      events: [
        {
          type: 'Warning',
          reason: 'FailedScheduling',
          message: UNSCHEDULABLE,
          object: 'Pod/mistral-7b-5c6f7d8b9-abcde',
          count: 3,
        },
      ],
    });

    // Nothing a report shows changes: nothing is sent for it.
    sim.store.patchObject('v1', 'Pod', 'llama-3-8b-chat-7d9f8b6c5-x2x4k', NS, {
      metadata: { annotations: { 'example.com/touched': 'yes' } },
    });
    status('Pod', 'v1', 'mistral-7b-5c6f7d8b9-abcde', runningStatus());
    status('Deployment', 'apps/v1', 'mistral-7b', {
      observedGeneration: 1,
      replicas: 1,
      readyReplicas: 1,
      updatedReplicas: 1,
      availableReplicas: 1,
      conditions: [
        {
          type: 'Available',
          status: 'True',
          reason: 'MinimumReplicasAvailable',
        },
      ],
    });
    const running = await reports.nextDelta();
    expect(running.deployments.map(d => [d.name, d.phase, d.summary])).toEqual([
      ['mistral-7b', 'Running', '1/1 replicas ready'],
    ]);
  });

  it("attributes a ReplicaSet's FailedCreate to its deployment before any pod exists", async () => {
    await startReporter();
    await reports.nextSnapshot();

    sim.store.createObject(deployment('llama-3-70b', 1));
    sim.store.createObject(
      event(
        'rs-quota',
        { kind: 'ReplicaSet', name: 'llama-3-70b-6b8d9c7f5' },
        {
          type: 'Warning',
          reason: 'FailedCreate',
          message:
            'Error creating: pods "llama-3-70b-6b8d9c7f5-q8w2z" is forbidden: exceeded quota: gpu, requested: requests.nvidia.com/gpu=8, used: requests.nvidia.com/gpu=8, limited: requests.nvidia.com/gpu=8',
          count: 14,
        },
      ),
    );
    let delta = await reports.nextDelta();
    // The Deployment may arrive in a window of its own, before its event.
    if (delta.deployments[0].events.length === 0)
      delta = await reports.nextDelta();
    expect(delta.deployments[0]).toMatchObject({
      name: 'llama-3-70b',
      phase: 'Progressing',
      summary: expect.stringMatching(
        /^0\/1 replicas ready; FailedCreate: Error creating: .*exceeded quota: gpu/,
      ),
      events: [
        expect.objectContaining({
          object: 'ReplicaSet/llama-3-70b-6b8d9c7f5',
          count: 14,
        }),
      ],
    });
  });

  it('follows an MPIJob from Running to Succeeded', async () => {
    await startReporter();
    await reports.nextSnapshot();

    sim.store.createObject(mpiJob('bert-pretrain', 2));
    sim.store.createObject(
      pod('bert-pretrain-launcher-x7k2p', 'bert-pretrain', {
        role: 'launcher',
      }),
    );
    sim.store.createObject(
      pod('bert-pretrain-worker-0', 'bert-pretrain', { role: 'worker' }),
    );
    sim.store.createObject(
      pod('bert-pretrain-worker-1', 'bert-pretrain', { role: 'worker' }),
    );
    for (const name of [
      'bert-pretrain-launcher-x7k2p',
      'bert-pretrain-worker-0',
      'bert-pretrain-worker-1',
    ]) {
      status('Pod', 'v1', name, runningStatus());
    }
    status('MPIJob', 'kubeflow.org/v2beta1', 'bert-pretrain', {
      conditions: [
        { type: 'Created', status: 'True', reason: 'MPIJobCreated' },
        { type: 'Running', status: 'True', reason: 'MPIJobRunning' },
      ],
    });
    let running = await reports.nextDelta();
    while (running.deployments[0].phase !== 'Running') {
      running = await reports.nextDelta();
    }
    expect(running.deployments[0]).toMatchObject({
      name: 'bert-pretrain',
      summary: 'MPIJob Running: launcher and 2 workers running',
      objects: [
        {
          apiVersion: 'kubeflow.org/v2beta1',
          kind: 'MPIJob',
          name: 'bert-pretrain',
        },
      ],
    });
    expect(running.deployments[0].pods.map(p => p.role)).toEqual([
      'launcher',
      'worker',
      'worker',
    ]);

    // cleanPodPolicy Running: the workers go when the launcher finishes.
    sim.store.deleteObject('v1', 'Pod', 'bert-pretrain-worker-0', NS);
    sim.store.deleteObject('v1', 'Pod', 'bert-pretrain-worker-1', NS);
    status('Pod', 'v1', 'bert-pretrain-launcher-x7k2p', {
      phase: 'Succeeded',
      conditions: [{ type: 'Ready', status: 'False', reason: 'PodCompleted' }],
    });
    status('MPIJob', 'kubeflow.org/v2beta1', 'bert-pretrain', {
      conditions: [
        { type: 'Created', status: 'True', reason: 'MPIJobCreated' },
        { type: 'Running', status: 'False', reason: 'MPIJobRunning' },
        {
          type: 'Succeeded',
          status: 'True',
          reason: 'MPIJobSucceeded',
          message: 'MPIJob ml-inference/bert-pretrain successfully completed.',
        },
      ],
    });
    let done = await reports.nextDelta();
    while (done.deployments[0].phase !== 'Succeeded')
      done = await reports.nextDelta();
    expect(done.deployments[0].summary).toBe(
      'MPIJob Succeeded: MPIJob ml-inference/bert-pretrain successfully completed.',
    );
    expect(done.deployments[0].pods).toEqual([
      expect.objectContaining({
        name: 'bert-pretrain-launcher-x7k2p',
        phase: 'Succeeded',
      }),
    ]);
  });

  it('reports a deployment removed when its last object goes or its namespace is no longer managed', async () => {
    runningService('llama-3-8b-chat');
    runningService('mistral-7b');
    await startReporter();
    expect((await reports.nextSnapshot()).deployments).toHaveLength(2);

    sim.store.deleteObject('apps/v1', 'Deployment', 'mistral-7b', NS);
    sim.store.deleteObject('v1', 'Pod', 'mistral-7b-7d9f8b6c5-x2x4k', NS);
    sim.store.deleteObject('v1', 'Service', 'mistral-7b', NS);
    let delta = await reports.nextDelta();
    // Should a window close between the deletes, what is left still reports it.
    while (delta.removed.length === 0) {
      expect(delta.deployments.map(d => d.name)).toEqual(['mistral-7b']);
      delta = await reports.nextDelta();
    }
    expect(delta).toEqual({
      snapshot: false,
      deployments: [],
      removed: [{ namespace: NS, name: 'mistral-7b' }],
    });

    sim.store.patchObject('v1', 'Namespace', NS, undefined, {
      metadata: { labels: { 'app.kubernetes.io/managed-by': null } },
    } as any);
    expect(await reports.nextDelta()).toEqual({
      snapshot: false,
      deployments: [],
      removed: [{ namespace: NS, name: 'llama-3-8b-chat' }],
    });

    // Managed again: its deployments come back.
    sim.store.patchObject('v1', 'Namespace', NS, undefined, {
      metadata: { labels: { 'app.kubernetes.io/managed-by': 'gpu-fleet' } },
    });
    const back = await reports.nextDelta();
    expect(back.deployments.map(d => [d.name, d.phase])).toEqual([
      ['llama-3-8b-chat', 'Running'],
    ]);
  });

  it('works without the MPIJob CRD and picks MPIJobs up once it is installed', async () => {
    const crd = sim.store.getObject(...CRD, 'mpijobs.kubeflow.org');
    sim.store.deleteObject(...CRD, 'mpijobs.kubeflow.org');
    runningService('llama-3-8b-chat');

    await startReporter();
    const snapshot = await reports.nextSnapshot();
    expect(snapshot.deployments.map(d => [d.name, d.phase])).toEqual([
      ['llama-3-8b-chat', 'Running'],
    ]);

    sim.store.createObject({
      apiVersion: crd.apiVersion,
      kind: crd.kind,
      metadata: { name: 'mpijobs.kubeflow.org' },
      spec: crd.spec,
    });
    sim.store.createObject(mpiJob('bert-pretrain', 2));
    const found = await reports.nextDelta();
    expect(found.deployments.map(d => [d.name, d.phase, d.summary])).toEqual([
      ['bert-pretrain', 'Progressing', '0/3 pods ready'],
    ]);
  });

  it('waits for the API server before its first snapshot, and reports what changed while it was cut off', async () => {
    runningService('llama-3-8b-chat');
    const proxy = await startTcpProxy({ host: sim.host, port: sim.port });
    try {
      proxy.cut();
      await startReporter({ url: proxy.url });
      // Lists failed and are being retried: nothing is known, nothing is sent.
      sim.store.createObject(deployment('mistral-7b', 1));
      proxy.restore();
      const snapshot = await reports.nextSnapshot();
      expect(snapshot.deployments.map(d => [d.name, d.phase])).toEqual([
        ['llama-3-8b-chat', 'Running'],
        ['mistral-7b', 'Progressing'],
      ]);

      proxy.cut();
      sim.store.deleteObject('apps/v1', 'Deployment', 'mistral-7b', NS);
      status(
        'Pod',
        'v1',
        'llama-3-8b-chat-7d9f8b6c5-x2x4k',
        unschedulableStatus,
      );
      proxy.restore();
      let delta = await reports.nextDelta();
      while (delta.removed.length === 0 || delta.deployments.length === 0) {
        const next = await reports.nextDelta();
        delta = {
          snapshot: false,
          deployments: [...delta.deployments, ...next.deployments],
          removed: [...delta.removed, ...next.removed],
        };
      }
      expect(delta.removed).toEqual([{ namespace: NS, name: 'mistral-7b' }]);
      expect(delta.deployments.map(d => [d.name, d.phase])).toEqual([
        ['llama-3-8b-chat', 'Pending'],
      ]);
    } finally {
      await reporter?.stop();
      reporter = undefined;
      await proxy.close();
    }
  });

  it('sends a snapshot again after resnapshot(), in pieces that fit its byte budget', async () => {
    for (let i = 0; i < 12; i++)
      runningService(`svc-${String(i).padStart(2, '0')}`);
    const budget = 4 * 1024;
    await startReporter({ maxReportBytes: budget });

    const collect = async () => {
      const pieces = [await reports.nextSnapshot()];
      const names = pieces[0].deployments.map(d => d.name);
      while (names.length < 12) {
        const piece = await reports.nextDelta();
        pieces.push(piece);
        names.push(...piece.deployments.map(d => d.name));
      }
      return { pieces, names };
    };
    const first = await collect();
    expect(first.pieces.length).toBeGreaterThan(1);
    for (const piece of first.pieces) {
      expect(Buffer.byteLength(JSON.stringify(piece))).toBeLessThanOrEqual(
        budget,
      );
    }
    expect(first.names).toEqual(
      Array.from({ length: 12 }, (_, i) => `svc-${String(i).padStart(2, '0')}`),
    );

    reporter!.resnapshot();
    const again = await collect();
    expect(again.names).toEqual(first.names);
  });
});
