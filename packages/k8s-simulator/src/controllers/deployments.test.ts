import { V1Deployment, V1Pod } from '@kubernetes/client-node';
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

const DEPLOYMENT_LABEL = 'gpu-fleet.io/deployment';
const SAFE = '[bcdfghjklmnpqrstvwxz2456789]';

/** A Deployment shaped like GPU Fleet's vLLM renderer makes them. */
function vllm(
  name: string,
  gpus: number,
  options: { replicas?: number; image?: string } = {},
): V1Deployment {
  const labels = {
    'app.kubernetes.io/managed-by': 'gpu-fleet',
    'gpu-fleet.io/workspace': 'ml',
    [DEPLOYMENT_LABEL]: name,
  };
  const resources = {
    cpu: '8',
    memory: '64Gi',
    'nvidia.com/gpu': String(gpus),
  };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'ml', labels },
    spec: {
      replicas: options.replicas ?? 1,
      selector: { matchLabels: { [DEPLOYMENT_LABEL]: name } },
      template: {
        metadata: { labels },
        spec: {
          nodeSelector: { [GPU_TYPE_LABEL]: 'H100' },
          tolerations: [
            { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
          ],
          containers: [
            {
              name: 'vllm',
              image: options.image ?? 'vllm/vllm-openai:v0.8.5',
              args: ['--model', 'meta-llama/Llama-3.1-8B-Instruct'],
              ports: [{ name: 'http', containerPort: 8000, protocol: 'TCP' }],
              resources: { requests: resources, limits: resources },
              readinessProbe: { httpGet: { path: '/health', port: 8000 } },
              volumeMounts: [{ name: 'dshm', mountPath: '/dev/shm' }],
            },
          ],
          volumes: [
            { name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: '32Gi' } },
          ],
        },
      },
    },
  };
}

describe('deployments on the simulated cluster', () => {
  let cluster: ControllerCluster;

  beforeEach(async () => {
    // Two tainted nodes with 2 H100s each and two CPU nodes.
    cluster = await startControllerCluster(
      testScenario([gpuPool('gpu', 2, 2), cpuPool('cpu', 2)]),
    );
  });

  afterEach(async () => {
    await cluster.close();
  });

  const podsOf = async (name: string): Promise<V1Pod[]> =>
    (
      await cluster.core.listNamespacedPod({
        namespace: 'ml',
        labelSelector: `${DEPLOYMENT_LABEL}=${name}`,
      })
    ).items;

  const runningPod = (name: string) =>
    eventually(async () => {
      const pods = await podsOf(name);
      expect(pods.map(p => p.status?.phase)).toEqual(['Running']);
      return pods[0];
    });

  it('runs a 1-GPU vLLM Deployment on a GPU node through a ReplicaSet, with the events of each component', async () => {
    await cluster.apply(vllm('llama', 1));
    const pod = await runningPod('llama');

    const deployment = await cluster.apps.readNamespacedDeployment({
      name: 'llama',
      namespace: 'ml',
    });
    const [rs] = (
      await cluster.apps.listNamespacedReplicaSet({ namespace: 'ml' })
    ).items;
    const hash = rs.metadata!.labels!['pod-template-hash'];
    expect(rs.metadata!.name).toBe(`llama-${hash}`);
    expect(hash).toMatch(new RegExp(`^${SAFE}+$`));
    expect(rs.metadata!.ownerReferences).toEqual([
      expect.objectContaining({
        kind: 'Deployment',
        name: 'llama',
        uid: deployment.metadata!.uid,
        controller: true,
      }),
    ]);
    expect(rs.spec!.selector.matchLabels).toEqual({
      [DEPLOYMENT_LABEL]: 'llama',
      'pod-template-hash': hash,
    });

    expect(pod.metadata!.name).toMatch(
      new RegExp(`^llama-${hash}-${SAFE}{5}$`),
    );
    expect(pod.metadata!.labels).toMatchObject({
      [DEPLOYMENT_LABEL]: 'llama',
      'pod-template-hash': hash,
    });
    expect(pod.metadata!.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'ReplicaSet', name: rs.metadata!.name }),
    ]);
    // Both GPU nodes are free; the tie goes to the first by name.
    expect(pod.spec!.nodeName).toBe('gpu-0');
    const node = await cluster.core.readNode({ name: 'gpu-0' });
    expect(pod.status!.hostIP).toBe(
      node.status!.addresses!.find(a => a.type === 'InternalIP')!.address,
    );
    expect(pod.status!.podIP).toMatch(/^10\.244\.\d+\.\d+$/);
    expect(pod.status!.startTime).toBeInstanceOf(Date);
    expect(pod.status!.containerStatuses).toEqual([
      expect.objectContaining({
        name: 'vllm',
        ready: true,
        restartCount: 0,
        image: 'docker.io/vllm/vllm-openai:v0.8.5',
        imageID: expect.stringMatching(
          /^docker\.io\/vllm\/vllm-openai@sha256:[0-9a-f]{64}$/,
        ),
        state: { running: { startedAt: expect.any(Date) } },
      }),
    ]);
    expect(
      Object.fromEntries(pod.status!.conditions!.map(c => [c.type, c.status])),
    ).toEqual({
      PodReadyToStartContainers: 'True',
      Initialized: 'True',
      Ready: 'True',
      ContainersReady: 'True',
      PodScheduled: 'True',
    });

    await eventually(async () => {
      const status = (
        await cluster.apps.readNamespacedDeploymentStatus({
          name: 'llama',
          namespace: 'ml',
        })
      ).status!;
      expect(status).toMatchObject({
        observedGeneration: 1,
        replicas: 1,
        updatedReplicas: 1,
        readyReplicas: 1,
        availableReplicas: 1,
      });
      expect(status.unavailableReplicas).toBeUndefined();
      expect(
        status.conditions!.map(c => [c.type, c.status, c.reason, c.message]),
      ).toEqual([
        [
          'Available',
          'True',
          'MinimumReplicasAvailable',
          'Deployment has minimum availability.',
        ],
        [
          'Progressing',
          'True',
          'NewReplicaSetAvailable',
          `ReplicaSet "llama-${hash}" has successfully progressed.`,
        ],
      ]);
    });
    const rsStatus = (
      await cluster.apps.readNamespacedReplicaSet({
        name: `llama-${hash}`,
        namespace: 'ml',
      })
    ).status!;
    expect(rsStatus).toMatchObject({
      replicas: 1,
      readyReplicas: 1,
      availableReplicas: 1,
      observedGeneration: 1,
    });

    const summary = (
      events: Awaited<ReturnType<ControllerCluster['eventsFor']>>,
    ) => events.map(e => [e.type, e.reason, e.source?.component, e.message]);
    const podName = pod.metadata!.name!;
    const podEvents = await cluster.eventsFor('ml', podName);
    expect(summary(podEvents)).toEqual([
      [
        'Normal',
        'Scheduled',
        'default-scheduler',
        `Successfully assigned ml/${podName} to gpu-0`,
      ],
      [
        'Normal',
        'Pulling',
        'kubelet',
        'Pulling image "vllm/vllm-openai:v0.8.5"',
      ],
      [
        'Normal',
        'Pulled',
        'kubelet',
        expect.stringMatching(
          /^Successfully pulled image "vllm\/vllm-openai:v0\.8\.5" in \S+ \(\S+ including waiting\)\. Image size: \d+ bytes\.$/,
        ),
      ],
      ['Normal', 'Created', 'kubelet', 'Created container vllm'],
      ['Normal', 'Started', 'kubelet', 'Started container vllm'],
    ]);
    expect(podEvents[1]).toMatchObject({
      involvedObject: { kind: 'Pod', fieldPath: 'spec.containers{vllm}' },
      source: { component: 'kubelet', host: 'gpu-0' },
      count: 1,
    });
    expect(summary(await cluster.eventsFor('ml', `llama-${hash}`))).toEqual([
      [
        'Normal',
        'SuccessfulCreate',
        'replicaset-controller',
        `Created pod: ${podName}`,
      ],
    ]);
    expect(summary(await cluster.eventsFor('ml', 'llama'))).toEqual([
      [
        'Normal',
        'ScalingReplicaSet',
        'deployment-controller',
        `Scaled up replica set llama-${hash} from 0 to 1`,
      ],
    ]);
  });

  it('keeps a Deployment asking for more GPUs than are free Pending with the scheduler’s reason, until GPUs are freed', async () => {
    await cluster.apply(vllm('hog-a', 2));
    expect((await runningPod('hog-a')).spec!.nodeName).toBe('gpu-0');
    await cluster.apply(vllm('hog-b', 1));
    // The least used GPU node.
    expect((await runningPod('hog-b')).spec!.nodeName).toBe('gpu-1');

    await cluster.apply(vllm('big', 2));
    const message =
      "0/4 nodes are available: 2 Insufficient nvidia.com/gpu, 2 node(s) didn't match Pod's node affinity/selector. " +
      'preemption: 0/4 nodes are available: 2 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.';
    const pending = await eventually(async () => {
      const [pod] = await podsOf('big');
      expect(pod.status!.conditions).toEqual([
        expect.objectContaining({
          type: 'PodScheduled',
          status: 'False',
          reason: 'Unschedulable',
          message,
        }),
      ]);
      return pod;
    });
    expect(pending.status!.phase).toBe('Pending');
    expect(pending.spec!.nodeName).toBeUndefined();
    const [failed] = await cluster.eventsFor('ml', pending.metadata!.name!);
    expect(failed).toMatchObject({
      type: 'Warning',
      reason: 'FailedScheduling',
      message,
      source: { component: 'default-scheduler' },
      involvedObject: { kind: 'Pod', uid: pending.metadata!.uid },
    });
    await eventually(async () => {
      const status = (
        await cluster.apps.readNamespacedDeployment({
          name: 'big',
          namespace: 'ml',
        })
      ).status!;
      expect(status).toMatchObject({
        replicas: 1,
        updatedReplicas: 1,
        unavailableReplicas: 1,
      });
      expect(status.readyReplicas).toBeUndefined();
      expect(
        status.conditions!.find(c => c.type === 'Available'),
      ).toMatchObject({
        status: 'False',
        reason: 'MinimumReplicasUnavailable',
        message: 'Deployment does not have minimum availability.',
      });
    });

    // Deleting hog-a deletes its ReplicaSet and pod, which frees gpu-0.
    await cluster.apps.deleteNamespacedDeployment({
      name: 'hog-a',
      namespace: 'ml',
    });
    const scheduled = await runningPod('big');
    expect(scheduled.metadata!.uid).toBe(pending.metadata!.uid);
    expect(scheduled.spec!.nodeName).toBe('gpu-0');
    expect(await podsOf('hog-a')).toEqual([]);
    const sets = await cluster.apps.listNamespacedReplicaSet({
      namespace: 'ml',
    });
    expect(
      sets.items.map(rs => rs.metadata!.ownerReferences![0].name).sort(),
    ).toEqual(['big', 'hog-b']);
  });

  it('rolls a changed template out to a new ReplicaSet and follows spec.replicas', async () => {
    await cluster.apply(vllm('chat', 1, { replicas: 2 }));
    await eventually(async () =>
      expect((await podsOf('chat')).map(p => p.status?.phase)).toEqual([
        'Running',
        'Running',
      ]),
    );
    const [first] = (
      await cluster.apps.listNamespacedReplicaSet({ namespace: 'ml' })
    ).items;

    await cluster.apply(
      vllm('chat', 1, { replicas: 2, image: 'vllm/vllm-openai:v0.9.0' }),
    );
    const second = await eventually(async () => {
      const pods = await podsOf('chat');
      expect(
        pods.map(p => [p.spec!.containers[0].image, p.status?.phase]),
      ).toEqual([
        ['vllm/vllm-openai:v0.9.0', 'Running'],
        ['vllm/vllm-openai:v0.9.0', 'Running'],
      ]);
      return pods[0].metadata!.labels!['pod-template-hash'];
    });
    expect(second).not.toBe(first.metadata!.labels!['pod-template-hash']);
    const old = await cluster.apps.readNamespacedReplicaSet({
      name: first.metadata!.name!,
      namespace: 'ml',
    });
    expect(old.spec!.replicas).toBe(0);
    const deployment = await eventually(async () => {
      const d = await cluster.apps.readNamespacedDeployment({
        name: 'chat',
        namespace: 'ml',
      });
      expect(d.status).toMatchObject({
        observedGeneration: 2,
        updatedReplicas: 2,
        readyReplicas: 2,
      });
      return d;
    });
    expect(
      deployment.metadata!.annotations!['deployment.kubernetes.io/revision'],
    ).toBe('2');
    expect((await cluster.eventsFor('ml', 'chat')).map(e => e.message)).toEqual(
      [
        `Scaled up replica set ${first.metadata!.name} from 0 to 2`,
        `Scaled up replica set chat-${second} from 0 to 2`,
        `Scaled down replica set ${first.metadata!.name} from 2 to 0`,
      ],
    );

    await cluster.apply(
      vllm('chat', 1, { replicas: 1, image: 'vllm/vllm-openai:v0.9.0' }),
    );
    await eventually(async () => expect(await podsOf('chat')).toHaveLength(1));
    expect(
      (await cluster.eventsFor('ml', `chat-${second}`)).map(e => e.reason),
    ).toEqual(['SuccessfulCreate', 'SuccessfulCreate', 'SuccessfulDelete']);
  });

  it('reports a rollout that cannot progress once progressDeadlineSeconds pass', async () => {
    const stuck = vllm('stuck', 4);
    stuck.spec!.progressDeadlineSeconds = 1;
    await cluster.apply(stuck);
    const rs = await eventually(async () => {
      const sets = await cluster.apps.listNamespacedReplicaSet({
        namespace: 'ml',
      });
      expect(sets.items).toHaveLength(1);
      return sets.items[0];
    });
    await eventually(async () => {
      const { status } = await cluster.apps.readNamespacedDeployment({
        name: 'stuck',
        namespace: 'ml',
      });
      expect(
        status!.conditions!.find(c => c.type === 'Progressing'),
      ).toMatchObject({
        status: 'False',
        reason: 'ProgressDeadlineExceeded',
        message: `ReplicaSet "${rs.metadata!.name}" has timed out progressing.`,
      });
    });
  });

  it('recreates pods deleted from under a ReplicaSet', async () => {
    await cluster.apply(vllm('solo', 1));
    const before = await runningPod('solo');
    await cluster.core.deleteNamespacedPod({
      name: before.metadata!.name!,
      namespace: 'ml',
    });
    const after = await runningPod('solo');
    expect(after.metadata!.name).not.toBe(before.metadata!.name);
  });
});
