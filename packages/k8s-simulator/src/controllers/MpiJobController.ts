/**
 * Runs kubeflow.org/v2beta1 MPIJobs the way the MPI Operator does, reduced to
 * what a person sees: a headless Service, a hostfile ConfigMap, worker pods
 * `<job>-worker-<i>`, a launcher pod `<job>-launcher` (the real operator wraps
 * it in a batch Job) and the job's conditions and replica counts.
 */

import { ClusterState } from '../ClusterState';
import { asObject, JsonObject, KubeObject } from '../kubeObject';
import { StoreEvent } from '../ObjectStore';
import { EventRecorder } from './events';
import {
  controllerOf,
  controllerReference,
  isControlledBy,
} from './ownerReferences';
import { conditionOf, withCondition } from './podConditions';
import { isTerminal } from './podResources';
import { podFromTemplate } from './podTemplates';
import { writeStatus } from './statusWrites';
import { nowTimestamp } from './timestamps';
import { WorkQueue } from './WorkQueue';

const MPIJOBS = 'kubeflow.org/mpijobs';
const PODS = '/pods';
const MANAGER = 'mpi-operator';
const SOURCE = { component: 'mpi-job-controller' };

const MPI_JOB_NAME_LABEL = 'training.kubeflow.org/job-name';
const MPI_JOB_ROLE_LABEL = 'training.kubeflow.org/job-role';
const OPERATOR_NAME_LABEL = 'training.kubeflow.org/operator-name';
const REPLICA_INDEX_LABEL = 'training.kubeflow.org/replica-index';

const phaseOf = (pod: KubeObject | undefined) =>
  pod ? String(asObject(pod.status).phase ?? 'Pending') : undefined;

/** The replica spec's restartPolicy as a pod's; ExitCode is the operator's own and means Never to the kubelet. */
function podRestartPolicy(spec: JsonObject, fallback: string): string {
  const policy =
    typeof spec.restartPolicy === 'string' ? spec.restartPolicy : fallback;
  return policy === 'ExitCode' ? 'Never' : policy;
}

/** active/succeeded/failed as the operator reports them, zero counts left out. */
function replicaStatus(counts: {
  active: number;
  succeeded: number;
  failed: number;
}) {
  return Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0));
}

export class MpiJobController {
  readonly #queue = new WorkQueue(key => this.#sync(key));

  constructor(
    private readonly state: ClusterState,
    private readonly events: EventRecorder,
  ) {}

  onEvent(event: StoreEvent): void {
    const { object } = event;
    if (event.resource === MPIJOBS && event.type !== 'DELETED') {
      this.#queue.add(`${object.metadata.namespace}/${object.metadata.name}`);
    } else if (event.resource === PODS) {
      const owner = controllerOf(object);
      if (owner?.kind === 'MPIJob') {
        this.#queue.add(`${object.metadata.namespace}/${owner.name}`);
      }
    }
  }

  resync(): void {
    for (const job of this.state.store.list(MPIJOBS)) {
      this.#queue.add(`${job.metadata.namespace}/${job.metadata.name}`);
    }
  }

  stop(): void {
    this.#queue.stop();
  }

  #sync(key: string) {
    const [namespace, name] = key.split('/');
    const job = this.state.store.get(MPIJOBS, namespace, name);
    if (!job || job.metadata.deletionTimestamp) return;
    const finished =
      conditionOf(job, 'Succeeded')?.status === 'True' ||
      conditionOf(job, 'Failed')?.status === 'True';
    if (!finished) this.#ensurePods(job);
    this.#updateStatus(job);
  }

  #ownedPods(job: KubeObject): KubeObject[] {
    return this.state.store
      .list(PODS, job.metadata.namespace)
      .filter(pod => isControlledBy(pod, job));
  }

  #ensurePods(job: KubeObject) {
    const name = job.metadata.name!;
    const spec = asObject(job.spec);
    const replicaSpecs = asObject(spec.mpiReplicaSpecs);
    const launcherSpec = asObject(replicaSpecs.Launcher);
    const workerSpec = asObject(replicaSpecs.Worker);
    const workers = Number(workerSpec.replicas ?? 0);
    this.#ensureService(job);
    this.#ensureHostfile(job, workers);

    const pods = this.#ownedPods(job);
    const byName = new Map(pods.map(p => [p.metadata.name!, p]));
    for (let i = 0; i < workers; i++) {
      const podName = `${name}-worker-${i}`;
      if (byName.has(podName)) continue;
      this.#createPod(job, workerSpec, podName, 'worker', 'Never', {
        [REPLICA_INDEX_LABEL]: String(i),
      });
    }
    // Scaled down: workers past the new count go.
    for (const pod of pods) {
      const index = Number(pod.metadata.labels?.[REPLICA_INDEX_LABEL]);
      if (
        pod.metadata.labels?.[MPI_JOB_ROLE_LABEL] === 'worker' &&
        index >= workers
      ) {
        this.state.delete(
          this.state.resolve('v1', 'Pod'),
          pod.metadata.namespace,
          pod.metadata.name!,
        );
      }
    }
    const launcherName = `${name}-launcher`;
    if (!byName.has(launcherName)) {
      const waitForWorkers =
        spec.launcherCreationPolicy === 'WaitForWorkersReady';
      const workerPods = this.#ownedPods(job).filter(
        p => p.metadata.labels?.[MPI_JOB_ROLE_LABEL] === 'worker',
      );
      const workersRunning =
        workerPods.length === workers &&
        workerPods.every(p => phaseOf(p) === 'Running');
      if (!waitForWorkers || workersRunning) {
        this.#createPod(
          job,
          launcherSpec,
          launcherName,
          'launcher',
          'OnFailure',
          {},
        );
      }
    }
  }

  #createPod(
    job: KubeObject,
    replicaSpec: JsonObject,
    podName: string,
    role: 'launcher' | 'worker',
    defaultRestartPolicy: string,
    labels: Record<string, string>,
  ) {
    this.state.createObject(
      podFromTemplate({
        template: asObject(replicaSpec.template),
        owner: job,
        name: podName,
        labels: {
          [OPERATOR_NAME_LABEL]: 'mpi-operator',
          [MPI_JOB_NAME_LABEL]: job.metadata.name!,
          [MPI_JOB_ROLE_LABEL]: role,
          ...labels,
        },
        // Pods resolve each other as <pod>.<job>.<namespace>.svc through the job's headless Service.
        spec: {
          hostname: podName,
          subdomain: job.metadata.name,
          restartPolicy: podRestartPolicy(replicaSpec, defaultRestartPolicy),
        },
      }),
      { fieldManager: MANAGER },
    );
  }

  #ensureService(job: KubeObject) {
    const { name, namespace } = job.metadata;
    if (this.state.store.has('/services', namespace, name!)) return;
    try {
      this.state.createObject(
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: {
            name,
            namespace,
            labels: { [MPI_JOB_NAME_LABEL]: name! },
            ownerReferences: [{ ...controllerReference(job) }],
          },
          spec: {
            clusterIP: 'None',
            publishNotReadyAddresses: true,
            selector: {
              [OPERATOR_NAME_LABEL]: 'mpi-operator',
              [MPI_JOB_NAME_LABEL]: name!,
            },
          },
        },
        { fieldManager: MANAGER },
      );
    } catch {
      // A job name that is no valid Service name (it starts with a digit) still gets its pods.
    }
  }

  /** The hostfile mpirun reads: one line per worker with its slots. */
  #ensureHostfile(job: KubeObject, workers: number) {
    const { name, namespace } = job.metadata;
    const spec = asObject(job.spec);
    const slots = Number(spec.slotsPerWorker ?? 1);
    const openMpi = (spec.mpiImplementation ?? 'OpenMPI') === 'OpenMPI';
    const hostfile = Array.from({ length: workers }, (_, i) => {
      const host = `${name}-worker-${i}.${name}.${namespace}.svc`;
      return openMpi ? `${host} slots=${slots}\n` : `${host}:${slots}\n`;
    }).join('');
    const configMap: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: `${name}-config`,
        namespace,
        labels: { app: name! },
        ownerReferences: [{ ...controllerReference(job) }],
      },
      data: { hostfile },
    };
    const current = this.state.store.get(
      '/configmaps',
      namespace,
      `${name}-config`,
    );
    if (!current) {
      this.state.createObject(configMap, { fieldManager: MANAGER });
    } else if (
      isControlledBy(current, job) &&
      asObject(current.data).hostfile !== hostfile
    ) {
      this.state.update(
        this.state.resolve('v1', 'ConfigMap'),
        namespace,
        `${name}-config`,
        { ...current, data: { ...asObject(current.data), hostfile } },
        { fieldManager: MANAGER },
      );
    }
  }

  #updateStatus(job: KubeObject) {
    const { name, namespace } = job.metadata;
    const pods = this.#ownedPods(job);
    const launcher = pods.find(
      p => p.metadata.labels?.[MPI_JOB_ROLE_LABEL] === 'launcher',
    );
    const workers = pods.filter(
      p => p.metadata.labels?.[MPI_JOB_ROLE_LABEL] === 'worker',
    );
    const wanted = Number(
      asObject(asObject(asObject(job.spec).mpiReplicaSpecs).Worker).replicas ??
        0,
    );
    const count = (list: KubeObject[], phase: string) =>
      list.filter(p => phaseOf(p) === phase).length;
    const previous = asObject(job.status);
    const id = `${namespace}/${name}`;
    let conditions = asObject(previous).conditions as JsonObject[] | undefined;
    const set = (condition: JsonObject & { type: string; status: string }) => {
      const before = conditionOf(job, condition.type);
      conditions = withCondition(conditions, condition, {
        lastUpdateTime: 'onChange',
      });
      if (condition.status === 'True' && before?.status !== 'True') {
        this.events.record(job, SOURCE, {
          type: condition.type === 'Failed' ? 'Warning' : 'Normal',
          reason: String(condition.reason),
          message: String(condition.message),
        });
      }
    };
    set({
      type: 'Created',
      status: 'True',
      reason: 'MPIJobCreated',
      message: `MPIJob ${id} is created.`,
    });
    const launcherPhase = phaseOf(launcher);
    const finished =
      launcherPhase === 'Succeeded' || launcherPhase === 'Failed';
    if (
      !finished &&
      launcherPhase === 'Running' &&
      workers.length === wanted &&
      count(workers, 'Running') === wanted
    ) {
      set({
        type: 'Running',
        status: 'True',
        reason: 'MPIJobRunning',
        message: `MPIJob ${id} is running.`,
      });
    }
    let completionTime = previous.completionTime;
    if (finished) {
      const succeeded = launcherPhase === 'Succeeded';
      set(
        succeeded
          ? {
              type: 'Succeeded',
              status: 'True',
              reason: 'MPIJobSucceeded',
              message: `MPIJob ${id} successfully completed.`,
            }
          : {
              type: 'Failed',
              status: 'True',
              reason: 'MPIJobFailed',
              message: `MPIJob ${id} has failed`,
            },
      );
      // A finished job is no longer running; the condition stays, turned False.
      const running = conditions?.find(c => c.type === 'Running');
      if (running && running.status === 'True') {
        conditions = withCondition(
          conditions,
          { ...running, status: 'False' } as JsonObject & {
            type: string;
            status: string;
          },
          { lastUpdateTime: 'onChange' },
        );
      }
      completionTime ??= nowTimestamp();
      this.#cleanPods(job, pods);
    }
    const status: JsonObject = {
      ...previous,
      conditions,
      replicaStatuses: {
        Launcher: replicaStatus({
          active: launcher && !isTerminal(launcher) ? 1 : 0,
          succeeded: launcherPhase === 'Succeeded' ? 1 : 0,
          failed: launcherPhase === 'Failed' ? 1 : 0,
        }),
        Worker: replicaStatus({
          active: count(workers, 'Running'),
          succeeded: count(workers, 'Succeeded'),
          failed: count(workers, 'Failed'),
        }),
      },
      startTime: previous.startTime ?? nowTimestamp(),
      ...(completionTime ? { completionTime } : {}),
    };
    writeStatus(this.state, job, status, MANAGER);
  }

  /** runPolicy.cleanPodPolicy: Running deletes the pods still running, All every pod, None (the default) none. */
  #cleanPods(job: KubeObject, pods: KubeObject[]) {
    const policy = asObject(asObject(job.spec).runPolicy).cleanPodPolicy;
    let doomed: KubeObject[] = [];
    if (policy === 'All') doomed = pods;
    else if (policy === 'Running') doomed = pods.filter(p => !isTerminal(p));
    for (const pod of doomed) {
      const { namespace, name } = pod.metadata;
      if (!this.state.store.has(PODS, namespace, name!)) continue;
      this.state.delete(this.state.resolve('v1', 'Pod'), namespace, name!);
    }
  }
}
