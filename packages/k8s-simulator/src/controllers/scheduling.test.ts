import {
  CoreV1Event,
  V1Affinity,
  V1NodeSelectorRequirement,
  V1Pod,
  V1PodSpec,
  Watch,
} from '@kubernetes/client-node';
import {
  ControllerCluster,
  cpuPool,
  eventually,
  GPU_TYPE_LABEL,
  gpuPool,
  startControllerCluster,
  testScenario,
} from '../__testUtils__/controllerCluster';

jest.setTimeout(30_000);

const TOLERATE_GPU = [
  { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
];
const NOT_HELPFUL = 'Preemption is not helpful for scheduling';
const NO_VICTIMS = 'No preemption victims found for incoming pod';

function gpuPod(name: string, spec: Partial<V1PodSpec> = {}, gpus = 1): V1Pod {
  return {
    metadata: { name },
    spec: {
      containers: [
        {
          name: 'main',
          image: 'nvcr.io/nvidia/pytorch:24.07-py3',
          resources: { limits: { 'nvidia.com/gpu': String(gpus) } },
        },
      ],
      ...spec,
    },
  };
}

/** The PodScheduled=False message, once the scheduler has given one. */
function unschedulableMessage(cluster: ControllerCluster, name: string) {
  return eventually(async () => {
    const pod = await cluster.core.readNamespacedPod({ name, namespace: 'ml' });
    const condition = pod.status!.conditions?.find(
      c => c.type === 'PodScheduled',
    );
    expect(condition).toMatchObject({
      status: 'False',
      reason: 'Unschedulable',
    });
    expect(pod.status!.phase).toBe('Pending');
    return condition!.message;
  });
}

/** The node the scheduler bound the pod to, once it has. */
function boundNode(cluster: ControllerCluster, name: string) {
  return eventually(async () => {
    const pod = await cluster.core.readNamespacedPod({ name, namespace: 'ml' });
    expect(pod.spec!.nodeName).toBeDefined();
    return pod.spec!.nodeName;
  });
}

describe('the simulated scheduler', () => {
  let cluster: ControllerCluster;

  beforeEach(async () => {
    cluster = await startControllerCluster(
      testScenario([gpuPool('gpu', 2, 2), cpuPool('cpu', 2)]),
    );
  });

  afterEach(async () => {
    await cluster.close();
  });

  const create = (pod: V1Pod) =>
    cluster.core.createNamespacedPod({ namespace: 'ml', body: pod });

  const unschedulable = (name: string) => unschedulableMessage(cluster, name);
  const nodeOf = (name: string) => boundNode(cluster, name);

  it('names the untolerated taint and the nodes without the GPUs', async () => {
    await create(gpuPod('untolerated'));
    expect(await unschedulable('untolerated')).toBe(
      '0/4 nodes are available: 2 Insufficient nvidia.com/gpu, 2 node(s) had untolerated taint {nvidia.com/gpu: }. ' +
        `preemption: 0/4 nodes are available: 2 ${NO_VICTIMS}, 2 ${NOT_HELPFUL}.`,
    );
  });

  it('reports a nodeSelector nothing matches', async () => {
    await create(
      gpuPod('b200', {
        tolerations: TOLERATE_GPU,
        nodeSelector: { [GPU_TYPE_LABEL]: 'B200' },
      }),
    );
    expect(await unschedulable('b200')).toBe(
      "0/4 nodes are available: 4 node(s) didn't match Pod's node affinity/selector. " +
        `preemption: 0/4 nodes are available: 4 ${NOT_HELPFUL}.`,
    );
  });

  it('honours required node affinity operators and ranks by preferred affinity', async () => {
    const requirement = (
      key: string,
      operator: string,
      values?: string[],
    ): V1NodeSelectorRequirement => ({
      key,
      operator,
      ...(values ? { values } : {}),
    });
    const required = (
      ...matchExpressions: V1NodeSelectorRequirement[]
    ): V1Affinity => ({
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions }],
        },
      },
    });
    await create(
      gpuPod('not-gpu-0', {
        tolerations: TOLERATE_GPU,
        affinity: required(
          requirement(GPU_TYPE_LABEL, 'In', ['H100']),
          requirement('kubernetes.io/hostname', 'NotIn', ['gpu-0']),
        ),
      }),
    );
    expect(await nodeOf('not-gpu-0')).toBe('gpu-1');

    await create(
      gpuPod(
        'gpu-less',
        {
          affinity: required(
            requirement(GPU_TYPE_LABEL, 'DoesNotExist'),
            requirement('kubernetes.io/os', 'Exists'),
          ),
        },
        0,
      ),
    );
    expect(await nodeOf('gpu-less')).toBe('cpu-0');

    // GFD labels each GPU node with nvidia.com/gpu.count=2.
    await create(
      gpuPod('big-nodes', {
        tolerations: TOLERATE_GPU,
        affinity: required(requirement('nvidia.com/gpu.count', 'Gt', ['4'])),
      }),
    );
    expect(await unschedulable('big-nodes')).toBe(
      "0/4 nodes are available: 4 node(s) didn't match Pod's node affinity/selector. " +
        `preemption: 0/4 nodes are available: 4 ${NOT_HELPFUL}.`,
    );
    await create(
      gpuPod('small-nodes', {
        tolerations: TOLERATE_GPU,
        affinity: required(requirement('nvidia.com/gpu.count', 'Lt', ['4'])),
      }),
    );
    // gpu-1 has a GPU in use, gpu-0 none.
    expect(await nodeOf('small-nodes')).toBe('gpu-0');

    // With gpu-0 empty again, preference still outweighs the emptier node.
    await cluster.core.deleteNamespacedPod({
      name: 'small-nodes',
      namespace: 'ml',
    });
    await create(
      gpuPod('prefers-gpu-1', {
        tolerations: TOLERATE_GPU,
        nodeSelector: { [GPU_TYPE_LABEL]: 'H100' },
        affinity: {
          nodeAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              {
                weight: 10,
                preference: {
                  matchExpressions: [
                    requirement('kubernetes.io/hostname', 'In', ['gpu-1']),
                  ],
                },
              },
            ],
          },
        },
      }),
    );
    expect(await nodeOf('prefers-gpu-1')).toBe('gpu-1');
  });

  it('skips cordoned and NotReady nodes, and schedules once a node is uncordoned', async () => {
    const pod = gpuPod('waits', {
      tolerations: TOLERATE_GPU,
      nodeSelector: { [GPU_TYPE_LABEL]: 'H100' },
    });
    // client-node patches with JSON patch.
    await cluster.core.patchNode({
      name: 'gpu-0',
      body: [{ op: 'add', path: '/spec/unschedulable', value: true }],
    });
    cluster.sim.store.patchObject(
      'v1',
      'Node',
      'gpu-1',
      undefined,
      {
        status: {
          conditions: [
            { type: 'Ready', status: 'False', reason: 'KubeletNotReady' },
          ],
        },
      },
      { subresource: 'status' },
    );
    await create(pod);
    expect(await unschedulable('waits')).toBe(
      "0/4 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }, 1 node(s) were unschedulable, 2 node(s) didn't match Pod's node affinity/selector. " +
        `preemption: 0/4 nodes are available: 4 ${NOT_HELPFUL}.`,
    );

    await cluster.core.patchNode({
      name: 'gpu-0',
      body: [{ op: 'replace', path: '/spec/unschedulable', value: false }],
    });
    expect(await nodeOf('waits')).toBe('gpu-0');
    await eventually(async () => {
      const running = await cluster.core.readNamespacedPod({
        name: 'waits',
        namespace: 'ml',
      });
      expect(running.status!.phase).toBe('Running');
    });
  });

  it('counts a repeated FailedScheduling on one Event, listable and watchable', async () => {
    const seen: Array<[string, CoreV1Event]> = [];
    const list = await cluster.core.listNamespacedEvent({ namespace: 'ml' });
    const watch = await new Watch(cluster.kc).watch(
      '/api/v1/namespaces/ml/events',
      { resourceVersion: list.metadata!.resourceVersion },
      (type, event: CoreV1Event) => seen.push([type, event]),
      () => {},
    );
    try {
      await create(gpuPod('too-big', { tolerations: TOLERATE_GPU }, 3));
      await unschedulable('too-big');
      // Any node change makes the scheduler try again, and fail again.
      await cluster.core.patchNode({
        name: 'cpu-1',
        body: [{ op: 'add', path: '/metadata/labels/touched', value: 'yes' }],
      });
      const event = await eventually(async () => {
        const events = await cluster.core.listNamespacedEvent({
          namespace: 'ml',
          fieldSelector: 'reason=FailedScheduling,involvedObject.name=too-big',
        });
        expect(events.items).toHaveLength(1);
        expect(events.items[0].count).toBe(2);
        return events.items[0];
      });
      expect(event.lastTimestamp!.getTime()).toBeGreaterThanOrEqual(
        event.firstTimestamp!.getTime(),
      );
      await eventually(() =>
        expect(
          seen
            .filter(([, e]) => e.reason === 'FailedScheduling')
            .map(([type, e]) => [type, e.metadata.name, e.count]),
        ).toEqual([
          ['ADDED', event.metadata.name, 1],
          ['MODIFIED', event.metadata.name, 2],
        ]),
      );
    } finally {
      watch.abort();
    }
  });
});
