import {
  DeploymentLike,
  EventLike,
  MpiJobLike,
  observeDeployment,
  observeEvent,
  observeMpiJob,
  observeObjectRef,
  observePod,
  PodLike,
} from './deploymentObservations';
import { deploymentStatusReportSchema } from './deploymentStatus';
import { DEPLOYMENT_LABEL } from './renderContext';
import { summariseDeployment } from './summariseDeployment';

const NS = 'ml-inference';
const NAME = 'llama-3-8b-chat';
const AT = '2026-12-02T10:00:00.000Z';
const labels = { [DEPLOYMENT_LABEL]: NAME };
const UNSCHEDULABLE =
  '0/4 nodes are available: 4 Insufficient nvidia.com/gpu. preemption: 0/4 nodes are available: 4 No preemption victims found for incoming pod.';

type PodState =
  | { state: 'running'; ready?: boolean; restarts?: number }
  | { state: 'unschedulable' }
  | { state: 'creating' }
  | { state: 'crashloop' }
  | { state: 'imagepull' }
  | { state: 'succeeded' };

function pod(
  name: string,
  s: PodState,
  extra: Record<string, string> = {},
): PodLike {
  const base = {
    metadata: {
      name,
      labels: { ...labels, ...extra },
      ownerReferences: [
        { kind: 'ReplicaSet', name: `${NAME}-7d9f8b6c5`, controller: true },
      ],
    },
    spec: { nodeName: s.state === 'unschedulable' ? undefined : 'gpu-node-1' },
  };
  const container = (state: object, more: object = {}) => [
    { name: 'vllm', ready: false, restartCount: 0, state, ...more },
  ];
  switch (s.state) {
    case 'running':
      return {
        ...base,
        status: {
          phase: 'Running',
          conditions: [
            { type: 'PodScheduled', status: 'True' },
            {
              type: 'Ready',
              status: s.ready === false ? 'False' : 'True',
              ...(s.ready === false && {
                reason: 'ContainersNotReady',
                message: 'containers with unready status: [vllm]',
              }),
            },
          ],
          containerStatuses: container(
            { running: {} },
            { ready: s.ready !== false, restartCount: s.restarts ?? 0 },
          ),
        },
      };
    case 'unschedulable':
      return {
        ...base,
        status: {
          phase: 'Pending',
          conditions: [
            {
              type: 'PodScheduled',
              status: 'False',
              reason: 'Unschedulable',
              message: UNSCHEDULABLE,
            },
          ],
        },
      };
    case 'creating':
      return {
        ...base,
        status: {
          phase: 'Pending',
          conditions: [{ type: 'PodScheduled', status: 'True' }],
          containerStatuses: container({
            waiting: { reason: 'ContainerCreating' },
          }),
        },
      };
    case 'crashloop':
      return {
        ...base,
        status: {
          phase: 'Running',
          conditions: [
            { type: 'PodScheduled', status: 'True' },
            { type: 'Ready', status: 'False', reason: 'ContainersNotReady' },
          ],
          containerStatuses: container(
            {
              waiting: {
                reason: 'CrashLoopBackOff',
                message: `back-off 5m0s restarting failed container=vllm pod=${name}`,
              },
            },
            {
              restartCount: 7,
              lastState: { terminated: { reason: 'OOMKilled', exitCode: 137 } },
            },
          ),
        },
      };
    case 'imagepull':
      return {
        ...base,
        status: {
          phase: 'Pending',
          conditions: [{ type: 'PodScheduled', status: 'True' }],
          containerStatuses: container({
            waiting: {
              reason: 'ImagePullBackOff',
              message: 'Back-off pulling image "vllm/vllm-openai:v9"',
            },
          }),
        },
      };
    default: // succeeded
      return {
        ...base,
        status: {
          phase: 'Succeeded',
          containerStatuses: container({
            terminated: { reason: 'Completed', exitCode: 0 },
          }),
        },
      };
  }
}

function deployment(
  replicas: number,
  status: {
    ready: number;
    available?: boolean;
    updated?: number;
    total?: number;
  },
  progressing: { status: string; reason: string; message?: string } = {
    status: 'True',
    reason: 'NewReplicaSetAvailable',
  },
): DeploymentLike {
  return {
    metadata: { name: NAME, labels, generation: 2 },
    spec: { replicas },
    status: {
      observedGeneration: 2,
      replicas: status.total ?? replicas,
      readyReplicas: status.ready,
      updatedReplicas: status.updated ?? replicas,
      availableReplicas: status.ready,
      conditions: [
        {
          type: 'Available',
          status: status.available === false ? 'False' : 'True',
          reason:
            status.available === false
              ? 'MinimumReplicasUnavailable'
              : 'MinimumReplicasAvailable',
          // client-node's typed lists hand over Date objects.
          lastTransitionTime: new Date('2026-12-02T09:58:00Z'),
        },
        { type: 'Progressing', ...progressing },
      ],
    },
  };
}

function mpiJob(
  workers: number,
  conditions: Array<{
    type: string;
    status?: string;
    reason?: string;
    message?: string;
  }>,
): MpiJobLike {
  return {
    metadata: { name: 'bert-pretrain', labels },
    spec: {
      mpiReplicaSpecs: {
        Launcher: { replicas: 1 },
        Worker: { replicas: workers },
      },
    },
    status: {
      conditions: conditions.map(c => ({
        status: 'True',
        lastTransitionTime: '2026-12-02T09:59:00Z',
        ...c,
      })),
    },
  };
}

function event(
  kind: string,
  name: string,
  e: {
    type?: string;
    reason: string;
    message: string;
    at: string;
    count?: number;
  },
): EventLike {
  return {
    metadata: { name: `${name}.${e.reason}` },
    involvedObject: { kind, name },
    type: e.type ?? 'Normal',
    reason: e.reason,
    message: e.message,
    count: e.count ?? 1,
    lastTimestamp: e.at,
  };
}

function summarise(input: {
  deployments?: DeploymentLike[];
  mpiJobs?: MpiJobLike[];
  pods?: PodLike[];
  events?: EventLike[];
  services?: string[];
}) {
  const deployments = (input.deployments ?? []).map(observeDeployment);
  const mpiJobs = (input.mpiJobs ?? []).map(observeMpiJob);
  const observed = summariseDeployment({
    namespace: NS,
    name: NAME,
    observedAt: AT,
    deployments,
    mpiJobs,
    pods: (input.pods ?? []).map(observePod),
    events: (input.events ?? []).flatMap(e => observeEvent(e) ?? []),
    objects: [
      ...deployments.map(d => ({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: d.name,
        deployment: NAME,
      })),
      ...mpiJobs.map(j => ({
        apiVersion: 'kubeflow.org/v2beta1',
        kind: 'MPIJob',
        name: j.name,
        deployment: NAME,
      })),
      ...(input.services ?? []).map(name =>
        observeObjectRef(
          { metadata: { name, labels } },
          { apiVersion: 'v1', kind: 'Service' },
        ),
      ),
    ],
  });
  // Whatever the cluster holds, the result passes the report schema.
  deploymentStatusReportSchema.parse({
    snapshot: true,
    deployments: [observed],
    removed: [],
  });
  return observed;
}

describe('summariseDeployment', () => {
  it('is Running when the Deployment is available with every replica ready', () => {
    const observed = summarise({
      deployments: [deployment(1, { ready: 1 })],
      pods: [pod(`${NAME}-7d9f8b6c5-x2x4k`, { state: 'running', restarts: 1 })],
      services: [NAME],
    });
    expect(observed).toEqual({
      namespace: NS,
      name: NAME,
      phase: 'Running',
      summary: '1/1 replicas ready',
      observedAt: AT,
      replicas: { desired: 1, ready: 1, updated: 1, available: 1 },
      rollout: { complete: true, reason: 'NewReplicaSetAvailable' },
      conditions: [
        {
          type: 'Available',
          status: 'True',
          reason: 'MinimumReplicasAvailable',
          lastTransitionTime: '2026-12-02T09:58:00.000Z',
        },
        {
          type: 'Progressing',
          status: 'True',
          reason: 'NewReplicaSetAvailable',
        },
      ],
      pods: [
        {
          name: `${NAME}-7d9f8b6c5-x2x4k`,
          phase: 'Running',
          ready: true,
          restarts: 1,
          node: 'gpu-node-1',
        },
      ],
      events: [],
      objects: [
        { apiVersion: 'apps/v1', kind: 'Deployment', name: NAME },
        { apiVersion: 'v1', kind: 'Service', name: NAME },
      ],
    });
  });

  it("is Pending with the scheduler's reason when pods wait and none runs", () => {
    const observed = summarise({
      deployments: [
        deployment(
          2,
          { ready: 0, available: false },
          {
            status: 'True',
            reason: 'ReplicaSetUpdated',
            message: `ReplicaSet "${NAME}-7d9f8b6c5" is progressing.`,
          },
        ),
      ],
      pods: [
        pod(`${NAME}-7d9f8b6c5-aaaaa`, { state: 'unschedulable' }),
        pod(`${NAME}-7d9f8b6c5-bbbbb`, { state: 'unschedulable' }),
      ],
      events: [
        event('Pod', `${NAME}-7d9f8b6c5-aaaaa`, {
          type: 'Warning',
          reason: 'FailedScheduling',
          message: UNSCHEDULABLE,
          at: '2026-12-02T09:59:30Z',
          count: 4,
        }),
      ],
    });
    expect(observed.phase).toBe('Pending');
    expect(observed.summary).toBe(`2 of 2 pods Pending: ${UNSCHEDULABLE}`);
    expect(observed.rollout).toEqual({
      complete: false,
      reason: 'ReplicaSetUpdated',
      message: `ReplicaSet "${NAME}-7d9f8b6c5" is progressing.`,
    });
    expect(observed.pods[0]).toEqual({
      name: `${NAME}-7d9f8b6c5-aaaaa`,
      phase: 'Pending',
      ready: false,
      restarts: 0,
      reason: 'Unschedulable',
      message: UNSCHEDULABLE,
    });
    expect(observed.events).toEqual([
      {
        type: 'Warning',
        reason: 'FailedScheduling',
        message: UNSCHEDULABLE,
        object: `Pod/${NAME}-7d9f8b6c5-aaaaa`,
        count: 4,
        lastTimestamp: '2026-12-02T09:59:30.000Z',
      },
    ]);
  });

  it('is Pending while containers are still being created', () => {
    const observed = summarise({
      deployments: [deployment(1, { ready: 0, available: false })],
      pods: [pod(`${NAME}-7d9f8b6c5-aaaaa`, { state: 'creating' })],
    });
    expect(observed.phase).toBe('Pending');
    expect(observed.summary).toBe('1 of 1 pod Pending: ContainerCreating');
  });

  it('is Failed when pods crash-loop and no replica is ready, with the last exit', () => {
    const observed = summarise({
      deployments: [deployment(1, { ready: 0, available: false })],
      pods: [pod(`${NAME}-7d9f8b6c5-aaaaa`, { state: 'crashloop' })],
    });
    expect(observed.phase).toBe('Failed');
    expect(observed.summary).toBe(
      `1 of 1 pod failing: CrashLoopBackOff: back-off 5m0s restarting failed container=vllm pod=${NAME}-7d9f8b6c5-aaaaa; last exit: OOMKilled (137)`,
    );
    expect(observed.pods[0]).toMatchObject({ restarts: 7, ready: false });
  });

  it('is Failed on an image that cannot be pulled, though its pods are Pending', () => {
    const observed = summarise({
      deployments: [deployment(2, { ready: 0, available: false })],
      pods: [
        pod(`${NAME}-7d9f8b6c5-aaaaa`, { state: 'imagepull' }),
        pod(`${NAME}-7d9f8b6c5-bbbbb`, { state: 'imagepull' }),
      ],
    });
    expect(observed.phase).toBe('Failed');
    expect(observed.summary).toBe(
      '2 of 2 pods failing: ImagePullBackOff: Back-off pulling image "vllm/vllm-openai:v9"',
    );
  });

  it('is Degraded when some replicas are ready, naming what holds the others', () => {
    const observed = summarise({
      deployments: [deployment(2, { ready: 1, available: true })],
      pods: [
        pod(`${NAME}-7d9f8b6c5-aaaaa`, { state: 'running' }),
        pod(`${NAME}-7d9f8b6c5-bbbbb`, { state: 'crashloop' }),
      ],
    });
    expect(observed.phase).toBe('Degraded');
    expect(observed.summary).toMatch(
      /^1\/2 replicas ready; CrashLoopBackOff: back-off 5m0s/,
    );
  });

  it('is Progressing when the ReplicaSet can create no pod, with its warning event', () => {
    const observed = summarise({
      deployments: [
        deployment(1, { ready: 0, available: false, total: 0, updated: 0 }),
      ],
      events: [
        event('ReplicaSet', `${NAME}-5c6f7d8b9`, {
          type: 'Warning',
          reason: 'FailedCreate',
          message: `Error creating: pods "${NAME}-5c6f7d8b9-abcde" is forbidden: exceeded quota: gpu, requested: requests.nvidia.com/gpu=1, used: requests.nvidia.com/gpu=8, limited: requests.nvidia.com/gpu=8`,
          at: '2026-12-02T09:59:50Z',
          count: 12,
        }),
        // Another deployment's ReplicaSet, whose name only starts the same.
        event('ReplicaSet', `${NAME}-canary-5c6f7d8b9`, {
          type: 'Warning',
          reason: 'FailedCreate',
          message: 'not ours',
          at: '2026-12-02T09:59:55Z',
        }),
      ],
    });
    expect(observed.phase).toBe('Progressing');
    expect(observed.summary).toMatch(
      /^0\/1 replicas ready; FailedCreate: Error creating: .* exceeded quota: gpu/,
    );
    expect(observed.events.map(e => e.object)).toEqual([
      `ReplicaSet/${NAME}-5c6f7d8b9`,
    ]);
  });

  it('reports a rollout that exceeded its deadline', () => {
    const observed = summarise({
      deployments: [
        deployment(
          1,
          { ready: 1, total: 2, updated: 1 },
          {
            status: 'False',
            reason: 'ProgressDeadlineExceeded',
            message: `ReplicaSet "${NAME}-5c6f7d8b9" has timed out progressing.`,
          },
        ),
      ],
      pods: [pod(`${NAME}-7d9f8b6c5-aaaaa`, { state: 'running' })],
    });
    expect(observed.rollout).toEqual({
      complete: false,
      reason: 'ProgressDeadlineExceeded',
      message: `ReplicaSet "${NAME}-5c6f7d8b9" has timed out progressing.`,
    });
  });

  it('is Running at zero replicas when scaled to zero', () => {
    const observed = summarise({ deployments: [deployment(0, { ready: 0 })] });
    expect(observed.phase).toBe('Running');
    expect(observed.summary).toBe('scaled to zero (0/0 replicas ready)');
  });

  it('is Running when the MPIJob says so, counting launcher and workers', () => {
    const observed = summarise({
      mpiJobs: [mpiJob(2, [{ type: 'Created' }, { type: 'Running' }])],
      pods: [
        pod(
          'bert-pretrain-launcher-abcde',
          { state: 'running' },
          { 'gpu-fleet.io/mpi-role': 'launcher' },
        ),
        pod(
          'bert-pretrain-worker-0',
          { state: 'running' },
          { 'gpu-fleet.io/mpi-role': 'worker' },
        ),
        pod(
          'bert-pretrain-worker-1',
          { state: 'running' },
          { 'training.kubeflow.org/job-role': 'worker' },
        ),
      ],
    });
    expect(observed.phase).toBe('Running');
    expect(observed.summary).toBe(
      'MPIJob Running: launcher and 2 workers running',
    );
    expect(observed.replicas).toBeUndefined();
    expect(observed.conditions.map(c => c.type)).toEqual([
      'Created',
      'Running',
    ]);
    expect(observed.pods.map(p => p.role)).toEqual([
      'launcher',
      'worker',
      'worker',
    ]);
    expect(observed.objects).toEqual([
      {
        apiVersion: 'kubeflow.org/v2beta1',
        kind: 'MPIJob',
        name: 'bert-pretrain',
      },
    ]);
  });

  it('is Succeeded or Failed as the MPIJob ends', () => {
    const succeeded = summarise({
      mpiJobs: [
        mpiJob(2, [
          { type: 'Created' },
          { type: 'Running', status: 'False' },
          {
            type: 'Succeeded',
            message:
              'MPIJob ml-inference/bert-pretrain successfully completed.',
          },
        ]),
      ],
      pods: [
        pod(
          'bert-pretrain-launcher-abcde',
          { state: 'succeeded' },
          { 'gpu-fleet.io/mpi-role': 'launcher' },
        ),
      ],
    });
    expect(succeeded.phase).toBe('Succeeded');
    expect(succeeded.summary).toBe(
      'MPIJob Succeeded: MPIJob ml-inference/bert-pretrain successfully completed.',
    );

    const failed = summarise({
      mpiJobs: [
        mpiJob(2, [
          { type: 'Created' },
          {
            type: 'Failed',
            reason: 'BackoffLimitExceeded',
            message: 'Job has reached the specified backoff limit',
          },
        ]),
      ],
    });
    expect(failed.phase).toBe('Failed');
    expect(failed.summary).toBe(
      'MPIJob Failed: BackoffLimitExceeded: Job has reached the specified backoff limit',
    );
  });

  it("is Pending when one of an MPIJob's workers waits, though others run", () => {
    const observed = summarise({
      mpiJobs: [mpiJob(2, [{ type: 'Created' }])],
      pods: [
        pod(
          'bert-pretrain-launcher-abcde',
          { state: 'running' },
          { 'gpu-fleet.io/mpi-role': 'launcher' },
        ),
        pod(
          'bert-pretrain-worker-0',
          { state: 'running' },
          { 'gpu-fleet.io/mpi-role': 'worker' },
        ),
        pod(
          'bert-pretrain-worker-1',
          { state: 'unschedulable' },
          { 'gpu-fleet.io/mpi-role': 'worker' },
        ),
      ],
    });
    expect(observed.phase).toBe('Pending');
    expect(observed.summary).toBe(`1 of 3 pods Pending: ${UNSCHEDULABLE}`);
  });

  it('is Progressing for a new MPIJob without pods yet', () => {
    const observed = summarise({ mpiJobs: [mpiJob(2, [{ type: 'Created' }])] });
    expect(observed.phase).toBe('Progressing');
    expect(observed.summary).toBe('MPIJob Created: 0/3 pods ready');
  });

  it('is Progressing when only a Service is left', () => {
    const observed = summarise({ services: [NAME] });
    expect(observed.phase).toBe('Progressing');
    expect(observed.summary).toBe('no Deployment or MPIJob yet; seen: Service');
  });

  it('keeps its own events, Warning first and newest first, at most 20', () => {
    const podName = `${NAME}-7d9f8b6c5-aaaaa`;
    const normal = Array.from({ length: 25 }, (_, i) =>
      event('Pod', podName, {
        reason: 'Pulled',
        message: `pull ${i}`,
        at: `2026-12-02T09:${String(10 + i).padStart(2, '0')}:00Z`,
      }),
    );
    const observed = summarise({
      deployments: [deployment(1, { ready: 1 })],
      pods: [pod(podName, { state: 'running' })],
      events: [
        ...normal,
        event('Pod', podName, {
          type: 'Warning',
          reason: 'Unhealthy',
          message: 'Readiness probe failed',
          at: '2026-12-02T09:00:00Z',
        }),
        event('Deployment', NAME, {
          reason: 'ScalingReplicaSet',
          message: `Scaled up replica set ${NAME}-7d9f8b6c5 to 1`,
          at: '2026-12-02T09:59:00Z',
        }),
        event('Pod', 'someone-elses-pod', {
          type: 'Warning',
          reason: 'BackOff',
          message: 'not ours',
          at: '2026-12-02T09:59:59Z',
        }),
        // Events about other kinds are not observed at all.
        event('PersistentVolumeClaim', 'weights', {
          type: 'Warning',
          reason: 'ProvisioningFailed',
          message: 'not a pod',
          at: '2026-12-02T09:59:59Z',
        }),
      ],
    });
    expect(observed.events).toHaveLength(20);
    expect(observed.events[0]).toMatchObject({
      type: 'Warning',
      reason: 'Unhealthy',
    });
    expect(observed.events[1]).toMatchObject({
      object: `Deployment/${NAME}`,
      lastTimestamp: '2026-12-02T09:59:00.000Z',
    });
    expect(observed.events[2].message).toBe('pull 24');
    expect(observed.events.some(e => e.message === 'not ours')).toBe(false);
  });

  it('keeps at most 50 pods, the ones not ready first', () => {
    const pods = Array.from({ length: 60 }, (_, i) =>
      pod(`${NAME}-7d9f8b6c5-${String(i).padStart(2, '0')}`, {
        state: 'running',
      }),
    );
    pods.push(pod(`${NAME}-7d9f8b6c5-zz`, { state: 'crashloop' }));
    const observed = summarise({
      deployments: [deployment(61, { ready: 60 })],
      pods,
    });
    expect(observed.pods).toHaveLength(50);
    expect(observed.pods[49]).toMatchObject({
      name: `${NAME}-7d9f8b6c5-zz`,
      reason: 'CrashLoopBackOff',
    });
    expect(observed.phase).toBe('Degraded');
  });

  it('clips long texts to the schema bounds', () => {
    const observed = summarise({
      deployments: [deployment(1, { ready: 0, available: false })],
      pods: [pod(`${NAME}-7d9f8b6c5-aaaaa`, { state: 'unschedulable' })],
      events: [
        event('Pod', `${NAME}-7d9f8b6c5-aaaaa`, {
          type: 'Warning',
          reason: 'FailedScheduling',
          message: 'x'.repeat(5000),
          at: '2026-12-02T09:59:30Z',
        }),
      ],
    });
    expect(observed.events[0].message).toHaveLength(1024);
    expect(observed.events[0].message.endsWith('…')).toBe(true);
  });
});
