import { V1Pod } from '@kubernetes/client-node';
import {
  ControllerCluster,
  cpuPool,
  eventually,
  gpuPool,
  startControllerCluster,
  testScenario,
} from '../__testUtils__/controllerCluster';
import { RUN_SECONDS_ANNOTATION } from './Kubelet';

jest.setTimeout(30_000);

const BLOCK = 'oci.oraclecloud.com/rdma.local_block_id';
const DEPLOYMENT_LABEL = 'gpu-fleet.io/deployment';
const MPI_ROLE = 'gpu-fleet.io/mpi-role';

/** An MPIJob shaped like GPU Fleet's renderer makes them with RDMA on OKE. */
function mpiJob(
  name: string,
  options: {
    launcherAnnotations?: Record<string, string>;
    gpusPerWorker?: number;
  } = {},
) {
  const labels = { [DEPLOYMENT_LABEL]: name };
  const tolerations = [
    { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
  ];
  const gpus = {
    cpu: '32',
    memory: '256Gi',
    'nvidia.com/gpu': String(options.gpusPerWorker ?? 4),
  };
  return {
    apiVersion: 'kubeflow.org/v2beta1',
    kind: 'MPIJob',
    metadata: { name, namespace: 'ml', labels },
    spec: {
      slotsPerWorker: options.gpusPerWorker ?? 4,
      runPolicy: { cleanPodPolicy: 'Running' },
      mpiReplicaSpecs: {
        Launcher: {
          replicas: 1,
          template: {
            metadata: {
              labels: { ...labels, [MPI_ROLE]: 'launcher' },
              ...(options.launcherAnnotations
                ? { annotations: options.launcherAnnotations }
                : {}),
            },
            spec: {
              containers: [
                {
                  name: 'launcher',
                  image: 'ghcr.io/example/nccl-tests:2.13',
                  args: ['mpirun', 'all_reduce_perf'],
                  resources: {
                    requests: { cpu: '1', memory: '1Gi' },
                    limits: { cpu: '1', memory: '1Gi' },
                  },
                },
              ],
            },
          },
        },
        Worker: {
          replicas: 2,
          template: {
            metadata: { labels: { ...labels, [MPI_ROLE]: 'worker' } },
            spec: {
              hostNetwork: true,
              dnsPolicy: 'ClusterFirstWithHostNet',
              tolerations,
              affinity: {
                podAffinity: {
                  requiredDuringSchedulingIgnoredDuringExecution: [
                    {
                      labelSelector: {
                        matchLabels: { ...labels, [MPI_ROLE]: 'worker' },
                      },
                      topologyKey: BLOCK,
                    },
                  ],
                },
              },
              containers: [
                {
                  name: 'worker',
                  image: 'ghcr.io/example/nccl-tests:2.13',
                  resources: { requests: gpus, limits: gpus },
                  securityContext: {
                    privileged: true,
                    capabilities: { add: ['IPC_LOCK'] },
                  },
                },
              ],
            },
          },
        },
      },
    },
  };
}

describe('MPIJobs on the simulated cluster', () => {
  let cluster: ControllerCluster;

  beforeEach(async () => {
    // Three 8-GPU nodes in two RDMA local blocks: x (rdma-0, rdma-2) and y (rdma-1).
    cluster = await startControllerCluster(
      testScenario([
        gpuPool('rdma', 3, 8, {
          nodes: [
            { labels: { [BLOCK]: 'x' } },
            { labels: { [BLOCK]: 'y' } },
            { labels: { [BLOCK]: 'x' } },
          ],
        }),
        cpuPool('cpu', 1),
      ]),
    );
  });

  afterEach(async () => {
    await cluster.close();
  });

  const jobPods = async (name: string): Promise<V1Pod[]> =>
    (
      await cluster.core.listNamespacedPod({
        namespace: 'ml',
        labelSelector: `training.kubeflow.org/job-name=${name}`,
      })
    ).items;

  const getJob = (name: string) =>
    cluster.objects.read<any>({
      apiVersion: 'kubeflow.org/v2beta1',
      kind: 'MPIJob',
      metadata: { name, namespace: 'ml' },
    });

  it('starts a launcher and co-located workers and reports the job Running', async () => {
    await cluster.apply(mpiJob('allreduce'));
    const job = await eventually(async () => {
      const current = await getJob('allreduce');
      expect(
        current.status.conditions.map((c: any) => [c.type, c.status, c.reason]),
      ).toEqual([
        ['Created', 'True', 'MPIJobCreated'],
        ['Running', 'True', 'MPIJobRunning'],
      ]);
      return current;
    });
    expect(job.status.conditions[1].message).toBe(
      'MPIJob ml/allreduce is running.',
    );
    expect(job.status.replicaStatuses).toEqual({
      Launcher: { active: 1 },
      Worker: { active: 2 },
    });

    const pods = await jobPods('allreduce');
    const byName = Object.fromEntries(pods.map(p => [p.metadata!.name!, p]));
    expect(Object.keys(byName).sort()).toEqual([
      'allreduce-launcher',
      'allreduce-worker-0',
      'allreduce-worker-1',
    ]);
    expect(byName['allreduce-launcher'].metadata!.labels).toMatchObject({
      'training.kubeflow.org/job-name': 'allreduce',
      'training.kubeflow.org/job-role': 'launcher',
      [MPI_ROLE]: 'launcher',
    });
    expect(byName['allreduce-worker-1'].metadata!.labels).toMatchObject({
      'training.kubeflow.org/job-name': 'allreduce',
      'training.kubeflow.org/job-role': 'worker',
      'training.kubeflow.org/replica-index': '1',
    });
    for (const pod of pods) {
      expect(pod.metadata!.ownerReferences).toEqual([
        expect.objectContaining({
          kind: 'MPIJob',
          name: 'allreduce',
          controller: true,
        }),
      ]);
      expect(pod.status!.phase).toBe('Running');
    }
    // rdma-1 is as free as rdma-2 and first by name, but only block x holds worker-0.
    expect(byName['allreduce-worker-0'].spec!.nodeName).toBe('rdma-0');
    expect(byName['allreduce-worker-1'].spec!.nodeName).toBe('rdma-2');
    expect(byName['allreduce-worker-1'].spec!.hostname).toBe(
      'allreduce-worker-1',
    );
    expect(byName['allreduce-worker-1'].spec!.subdomain).toBe('allreduce');
    // Host network pods take the node's address.
    expect(byName['allreduce-worker-1'].status!.podIP).toBe(
      byName['allreduce-worker-1'].status!.hostIP,
    );
    // The launcher needs no GPU: the CPU node has none in use.
    expect(byName['allreduce-launcher'].spec!.nodeName).toBe('cpu-0');

    const hostfile = await cluster.core.readNamespacedConfigMap({
      name: 'allreduce-config',
      namespace: 'ml',
    });
    expect(hostfile.data!.hostfile).toBe(
      'allreduce-worker-0.allreduce.ml.svc slots=4\nallreduce-worker-1.allreduce.ml.svc slots=4\n',
    );
    const service = await cluster.core.readNamespacedService({
      name: 'allreduce',
      namespace: 'ml',
    });
    expect(service.spec!.clusterIP).toBe('None');
    expect(
      (await cluster.eventsFor('ml', 'allreduce')).map(e => [
        e.reason,
        e.message,
      ]),
    ).toEqual([
      ['MPIJobCreated', 'MPIJob ml/allreduce is created.'],
      ['MPIJobRunning', 'MPIJob ml/allreduce is running.'],
    ]);
  });

  it('keeps workers Pending when their block has no room, with the pod affinity reason', async () => {
    // Whole-node workers: once worker-0 is on rdma-0, block x has no room left for worker-1.
    await cluster.core.createNamespacedPod({
      namespace: 'ml',
      body: {
        metadata: { name: 'squatter' },
        spec: {
          nodeName: 'rdma-2',
          containers: [
            {
              name: 'main',
              image: 'busybox',
              resources: { limits: { 'nvidia.com/gpu': '8' } },
            },
          ],
        },
      },
    });
    await cluster.apply(mpiJob('tight', { gpusPerWorker: 8 }));
    const message =
      // The CPU node lacks cpu and memory as well: one node may give several reasons.
      "0/4 nodes are available: 1 Insufficient cpu, 1 Insufficient memory, 1 node(s) didn't match pod affinity rules, 3 Insufficient nvidia.com/gpu. " +
      'preemption: 0/4 nodes are available: 1 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod.';
    await eventually(async () => {
      const pods = await jobPods('tight');
      expect(
        pods.map(p => [
          p.metadata!.name,
          p.spec!.nodeName,
          p.status!.phase,
          p.status!.conditions?.find(
            c => c.status === 'False' && c.type === 'PodScheduled',
          )?.message,
        ]),
      ).toEqual([
        ['tight-launcher', 'cpu-0', 'Running', undefined],
        ['tight-worker-0', 'rdma-0', 'Running', undefined],
        ['tight-worker-1', undefined, 'Pending', message],
      ]);
    });
    const job = await getJob('tight');
    expect(job.status.conditions.map((c: any) => c.type)).toEqual(['Created']);
  });

  it('completes when the launcher has run its time, cleans up running workers, and deletes its pods with it', async () => {
    await cluster.apply(
      mpiJob('short', {
        launcherAnnotations: { [RUN_SECONDS_ANNOTATION]: '0' },
      }),
    );
    const job = await eventually(async () => {
      const current = await getJob('short');
      expect(
        Object.fromEntries(
          current.status.conditions.map((c: any) => [c.type, c.status]),
        ),
      ).toEqual({ Created: 'True', Running: 'False', Succeeded: 'True' });
      return current;
    });
    expect(
      job.status.conditions.find((c: any) => c.type === 'Succeeded').message,
    ).toBe('MPIJob ml/short successfully completed.');
    expect(job.status.completionTime).toEqual(expect.any(String));
    // cleanPodPolicy Running: the workers go, the finished launcher stays.
    await eventually(async () => {
      const pods = await jobPods('short');
      expect(pods.map(p => [p.metadata!.name, p.status!.phase])).toEqual([
        ['short-launcher', 'Succeeded'],
      ]);
    });
    const launcher = (await jobPods('short'))[0];
    expect(
      launcher.status!.containerStatuses![0].state!.terminated,
    ).toMatchObject({
      exitCode: 0,
      reason: 'Completed',
    });
    expect(job.status.replicaStatuses.Launcher).toEqual({ succeeded: 1 });

    await cluster.objects.delete({
      apiVersion: 'kubeflow.org/v2beta1',
      kind: 'MPIJob',
      metadata: { name: 'short', namespace: 'ml' },
    });
    await eventually(async () => {
      expect(await jobPods('short')).toEqual([]);
      const services = await cluster.core.listNamespacedService({
        namespace: 'ml',
      });
      expect(services.items.map(s => s.metadata!.name)).not.toContain('short');
      const maps = await cluster.core.listNamespacedConfigMap({
        namespace: 'ml',
      });
      expect(maps.items.map(m => m.metadata!.name)).not.toContain(
        'short-config',
      );
    });
  });
});
