import type { ProviderId } from '../providers';
import { RDMA_TOPOLOGY_LABELS } from '../labels/nodeInventory';
import { WORKLOAD_SERVICE_ACCOUNT } from '../workspaces/workspaceObjects';
import type { KubeObject } from '../workspaces/workspaceObjects';
import type { DeploymentManifest } from './manifestSchema';
import { assertPrivilegedAllowed } from './privilegedUse';
import { DEPLOYMENT_LABEL, RenderContext, RenderError } from './renderContext';
import {
  containerEnv,
  deploymentLabels,
  gpuContainerResources,
  podLabels,
  podPlacement,
} from './workloadPod';
import { renderStorage, StorageParts } from './workloadStorage';

/** Tells an MPIJob's launcher pod from its workers, for the workers' co-location rule. */
export const MPI_ROLE_LABEL = 'gpu-fleet.io/mpi-role';

/** Kueue's Topology-Aware Scheduling: the pod set must fit in one domain of this node label. */
export const KUEUE_REQUIRED_TOPOLOGY_ANNOTATION =
  'kueue.x-k8s.io/podset-required-topology';

/** The launcher only runs mpirun; it needs no GPU and little else. */
export const MPI_LAUNCHER_RESOURCES = { cpu: '1', memory: '1Gi' } as const;

/**
 * The node label naming the tightest network block RDMA workers should share:
 * OCI's local block, the EC2 network node directly above the instance
 * (layer 3 exists on every instance type with topology), and GKE's topology
 * block. Elsewhere none is known, and co-locating on the hostname would put
 * every worker on one node, so no rule is rendered.
 */
export function rdmaTopologyLabel(provider: ProviderId): string | undefined {
  switch (provider) {
    case 'oke':
      return RDMA_TOPOLOGY_LABELS.localBlock;
    case 'eks':
      return 'topology.k8s.aws/network-node-layer-3';
    case 'gke':
      return 'cloud.google.com/gce-topology-block';
    default:
      return undefined;
  }
}

function mergeStorage(parts: StorageParts[]): StorageParts {
  return {
    claims: parts.flatMap(p => p.claims),
    volumes: parts.flatMap(p => p.volumes),
    volumeMounts: parts.flatMap(p => p.volumeMounts),
    initContainers: parts.flatMap(p => p.initContainers),
  };
}

/**
 * A `kubeflow.org/v2beta1` MPIJob: one launcher and the manifest's workers,
 * each worker with its GPUs and, when asked and allowed, the RDMA pattern.
 */
export function renderMpiJob(
  manifest: DeploymentManifest,
  ctx: RenderContext,
): KubeObject[] {
  if (manifest.template !== 'mpijob') {
    throw new RenderError('template', `is ${manifest.template}, not mpijob`);
  }
  const mpi = manifest.mpi;
  if (!mpi) {
    throw new RenderError('mpi', 'is required for the mpijob template');
  }
  assertPrivilegedAllowed(manifest, ctx.workspace);

  const namespace = ctx.workspace.namespace;
  const labels = deploymentLabels(manifest, ctx);
  const rdma = mpi.rdma.enabled;
  const env = manifest.env.length > 0 ? { env: containerEnv(manifest) } : {};
  const target = {
    deploymentName: manifest.name,
    namespace,
    labels,
  };
  const storage = mergeStorage([
    ...(manifest.storage
      ? [
          renderStorage(manifest.storage, {
            ...target,
            field: 'storage',
            volumeName: 'weights',
          }),
        ]
      : []),
    ...(mpi.checkpointStorage
      ? [
          renderStorage(mpi.checkpointStorage, {
            ...target,
            field: 'mpi.checkpointStorage',
            volumeName: 'checkpoints',
          }),
        ]
      : []),
  ]);

  const launcherPlacement = podPlacement(manifest, ctx, { gpu: false });
  const launcher = {
    replicas: 1,
    template: {
      metadata: {
        labels: { ...podLabels(manifest, ctx), [MPI_ROLE_LABEL]: 'launcher' },
      },
      spec: {
        serviceAccountName: WORKLOAD_SERVICE_ACCOUNT,
        ...(launcherPlacement.priorityClassName && {
          priorityClassName: launcherPlacement.priorityClassName,
        }),
        ...(launcherPlacement.nodeSelector && {
          nodeSelector: launcherPlacement.nodeSelector,
        }),
        ...(launcherPlacement.tolerations && {
          tolerations: launcherPlacement.tolerations,
        }),
        containers: [
          {
            name: 'launcher',
            image: manifest.image,
            // The manifest's args are the launcher's mpirun command line.
            ...(manifest.args.length > 0 && { args: [...manifest.args] }),
            ...env,
            resources: {
              requests: { ...MPI_LAUNCHER_RESOURCES },
              limits: { ...MPI_LAUNCHER_RESOURCES },
            },
          },
        ],
      },
    },
  };

  const workerLabels = {
    ...podLabels(manifest, ctx),
    [MPI_ROLE_LABEL]: 'worker',
  };
  const workerPlacement = podPlacement(manifest, ctx, { gpu: true });
  const topologyLabel = rdma
    ? rdmaTopologyLabel(ctx.cluster.provider)
    : undefined;
  const podAffinity = topologyLabel && {
    requiredDuringSchedulingIgnoredDuringExecution: [
      {
        labelSelector: {
          matchLabels: {
            [DEPLOYMENT_LABEL]: manifest.name,
            [MPI_ROLE_LABEL]: 'worker',
          },
        },
        topologyKey: topologyLabel,
      },
    ],
  };
  const kueueTopology =
    topologyLabel && ctx.cluster.addons.includes('kueue')
      ? { [KUEUE_REQUIRED_TOPOLOGY_ANNOTATION]: topologyLabel }
      : undefined;
  const worker = {
    replicas: mpi.workers,
    template: {
      metadata: {
        labels: workerLabels,
        ...(kueueTopology && { annotations: kueueTopology }),
      },
      spec: {
        serviceAccountName: WORKLOAD_SERVICE_ACCOUNT,
        ...(workerPlacement.priorityClassName && {
          priorityClassName: workerPlacement.priorityClassName,
        }),
        // RDMA NICs are reached through the host's network namespace.
        ...(rdma && {
          hostNetwork: true,
          dnsPolicy: 'ClusterFirstWithHostNet',
        }),
        ...(workerPlacement.nodeSelector && {
          nodeSelector: workerPlacement.nodeSelector,
        }),
        ...(workerPlacement.tolerations && {
          tolerations: workerPlacement.tolerations,
        }),
        affinity: {
          ...(workerPlacement.nodeAffinity && {
            nodeAffinity: workerPlacement.nodeAffinity,
          }),
          ...(podAffinity && { podAffinity }),
        },
        ...(storage.initContainers.length > 0 && {
          initContainers: storage.initContainers,
        }),
        containers: [
          {
            name: 'worker',
            image: manifest.image,
            ...env,
            resources: gpuContainerResources(manifest, mpi.gpusPerWorker),
            // IPC_LOCK lets the RDMA stack pin memory; the devices need privileged.
            ...(rdma && {
              securityContext: {
                privileged: true,
                capabilities: { add: ['IPC_LOCK'] },
              },
            }),
            volumeMounts: [
              ...storage.volumeMounts,
              ...(rdma
                ? [{ name: 'infiniband', mountPath: '/dev/infiniband' }]
                : []),
              { name: 'dshm', mountPath: '/dev/shm' },
            ],
          },
        ],
        volumes: [
          ...storage.volumes,
          ...(rdma
            ? [{ name: 'infiniband', hostPath: { path: '/dev/infiniband' } }]
            : []),
          // NCCL moves data between local ranks through /dev/shm, far past the 64Mi default.
          {
            name: 'dshm',
            emptyDir: { medium: 'Memory', sizeLimit: mpi.rdma.shmSize },
          },
        ],
      },
    },
  };

  const mpiJob: KubeObject = {
    apiVersion: 'kubeflow.org/v2beta1',
    kind: 'MPIJob',
    metadata: { name: manifest.name, namespace, labels: { ...labels } },
    spec: {
      slotsPerWorker: mpi.gpusPerWorker,
      // Workers left running after the launcher finishes would hold their GPUs.
      runPolicy: { cleanPodPolicy: 'Running' },
      mpiReplicaSpecs: { Launcher: launcher, Worker: worker },
    },
  };
  return [...storage.claims, mpiJob];
}
