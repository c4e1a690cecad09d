/**
 * The kubelets of every Ready node: a pod bound to one shows ContainerCreating
 * at once and runs after the start delay, with the status, IPs and events a
 * real kubelet reports. Nothing actually runs; containers are always ready.
 */

import { createHash } from 'node:crypto';
import { ClusterState } from '../ClusterState';
import { asList, asObject, JsonObject, KubeObject } from '../kubeObject';
import { StoreEvent } from '../ObjectStore';
import { EventRecorder } from './events';
import { conditionOf } from './podConditions';
import { writeStatus } from './statusWrites';
import { nowTimestamp } from './timestamps';

const PODS = '/pods';
const NODES = '/nodes';
const MANAGER = 'kubelet';

/**
 * Set on a pod (template) to make its containers exit 0 after this many
 * seconds of running; ignored for restartPolicy Always.
 *
 * @public
 */
export const RUN_SECONDS_ANNOTATION = 'simulator.gpu-fleet.io/run-seconds';

const names = (containers: Container[]) =>
  containers.map(c => c.name).join(' ');
const sha256 = (text: string) =>
  createHash('sha256').update(text).digest('hex');

/** The image as containerd reports it: a registry and, for Docker Hub, the library/ prefix. */
function fullImageName(image: string): string {
  const withTag = /[:@][^/]+$/.test(image) ? image : `${image}:latest`;
  const first = withTag.split('/')[0];
  if (
    withTag.includes('/') &&
    (first.includes('.') || first.includes(':') || first === 'localhost')
  ) {
    return withTag;
  }
  return withTag.includes('/')
    ? `docker.io/${withTag}`
    : `docker.io/library/${withTag}`;
}

function imageId(image: string): string {
  const full = fullImageName(image);
  const repository = full.replace(/[:@][^/]+$/, '');
  return `${repository}@sha256:${sha256(`image/${full}`)}`;
}

/** Go's time.Duration formatting, which the Pulled event uses. */
function goDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  return `${Number((ms / 1000).toFixed(3))}s`;
}

interface Container {
  name: string;
  image: string;
  fieldPath: string;
  pullPolicy: string;
}

function containersOf(pod: KubeObject): {
  init: Container[];
  main: Container[];
} {
  const spec = asObject(pod.spec);
  const read = (list: unknown, field: string) =>
    asList(list).map(c => ({
      name: String(c.name),
      image: String(c.image ?? ''),
      fieldPath: `spec.${field}{${c.name}}`,
      pullPolicy: String(c.imagePullPolicy ?? 'IfNotPresent'),
    }));
  return {
    init: read(spec.initContainers, 'initContainers'),
    main: read(spec.containers, 'containers'),
  };
}

export interface KubeletOptions {
  /** From binding to Running: what pulling images and starting containers would take. */
  startDelayMs: number;
}

export class Kubelet {
  /** Pods being started or finishing, by uid, with the timer that moves them on. */
  readonly #timers = new Map<string, NodeJS.Timeout>();
  /** Images each node has pulled, so later pods find them present. */
  readonly #images = new Map<string, Set<string>>();
  #nextPodIp = 0;
  #stopped = false;

  constructor(
    private readonly state: ClusterState,
    private readonly events: EventRecorder,
    private readonly options: KubeletOptions,
  ) {}

  onEvent(event: StoreEvent): void {
    if (event.resource === PODS) {
      if (event.type === 'DELETED') {
        this.#forget(event.object.metadata.uid!);
      } else {
        this.#consider(event.object);
      }
    } else if (event.resource === NODES && event.type !== 'DELETED') {
      // A node that becomes Ready starts the pods waiting for it.
      if (this.#isReady(event.object)) {
        for (const pod of this.state.store.list(PODS)) {
          if (asObject(pod.spec).nodeName === event.object.metadata.name)
            this.#consider(pod);
        }
      }
    }
  }

  resync(): void {
    for (const pod of this.state.store.list(PODS)) this.#consider(pod);
  }

  stop(): void {
    this.#stopped = true;
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }

  #forget(uid: string) {
    clearTimeout(this.#timers.get(uid));
    this.#timers.delete(uid);
  }

  #isReady(node: KubeObject): boolean {
    return conditionOf(node, 'Ready')?.status === 'True';
  }

  #consider(pod: KubeObject) {
    if (this.#stopped || this.#timers.has(pod.metadata.uid!)) return;
    const nodeName = asObject(pod.spec).nodeName as string | undefined;
    if (!nodeName || pod.metadata.deletionTimestamp) return;
    const phase = asObject(pod.status).phase;
    if (phase === 'Pending') {
      const node = this.state.store.get(NODES, undefined, nodeName);
      // No node, or a node whose kubelet is down: nobody starts the pod.
      if (!node || !this.#isReady(node)) return;
      this.#schedule(pod, 0, () => this.#create(pod, node));
    } else if (phase === 'Running') {
      this.#scheduleCompletion(pod);
    }
  }

  /** Runs the step later; while it is pending or running, the pod's own events change nothing. */
  #schedule(pod: KubeObject, delayMs: number, step: () => void) {
    const uid = pod.metadata.uid!;
    const timer: NodeJS.Timeout = setTimeout(() => {
      try {
        if (!this.#stopped) step();
      } catch {
        // The pod was deleted or changed meanwhile; its next event brings it back.
      } finally {
        if (this.#timers.get(uid) === timer) this.#timers.delete(uid);
      }
    }, delayMs);
    this.#timers.set(uid, timer);
  }

  #scheduleCompletion(pod: KubeObject) {
    const seconds = this.#runSeconds(pod);
    if (seconds === undefined) return;
    // Counted from when the containers started, not from admission.
    const status = asObject(pod.status);
    const running = asObject(
      asObject(asList(status.containerStatuses)[0]?.state).running,
    );
    const startedAt = Date.parse(
      String(running.startedAt ?? status.startTime ?? ''),
    );
    const elapsed = Number.isNaN(startedAt) ? 0 : Date.now() - startedAt;
    this.#schedule(pod, Math.max(0, seconds * 1000 - elapsed), () =>
      this.#complete(pod),
    );
  }

  /** A run-seconds annotation means nothing to pods that restart forever. */
  #runSeconds(pod: KubeObject): number | undefined {
    const value = pod.metadata.annotations?.[RUN_SECONDS_ANNOTATION];
    if (value === undefined || asObject(pod.spec).restartPolicy === 'Always')
      return undefined;
    const seconds = Number(value);
    return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
  }

  #current(pod: KubeObject): KubeObject | undefined {
    const current = this.state.store.get(
      PODS,
      pod.metadata.namespace,
      pod.metadata.name!,
    );
    return current?.metadata.uid === pod.metadata.uid ? current : undefined;
  }

  /** The kubelet admits the pod: ContainerCreating, then Running after the start delay. */
  #create(queued: KubeObject, node: KubeObject) {
    const pod = this.#current(queued);
    if (
      !pod ||
      asObject(pod.status).phase !== 'Pending' ||
      !asObject(pod.spec).nodeName
    )
      return;
    const at = nowTimestamp();
    const hostIP = asList(asObject(node.status).addresses).find(
      a => a.type === 'InternalIP',
    )?.address;
    const { init, main } = containersOf(pod);
    const waitingReason = init.length ? 'PodInitializing' : 'ContainerCreating';
    const notReady = {
      status: 'False',
      reason: 'ContainersNotReady',
      message: `containers with unready status: [${names(main)}]`,
    };
    const status = asObject(pod.status);
    const updated = writeStatus(
      this.state,
      pod,
      {
        ...status,
        phase: 'Pending',
        conditions: this.#conditions(status.conditions, at, {
          PodReadyToStartContainers: { status: 'False' },
          Initialized: init.length
            ? {
                status: 'False',
                reason: 'ContainersNotInitialized',
                message: `containers with incomplete status: [${names(init)}]`,
              }
            : { status: 'True' },
          Ready: notReady,
          ContainersReady: notReady,
        }),
        ...(hostIP ? { hostIP, hostIPs: [{ ip: hostIP }] } : {}),
        startTime: status.startTime ?? at,
        ...(init.length
          ? {
              initContainerStatuses: init.map(c =>
                this.#waiting(c, 'PodInitializing'),
              ),
            }
          : {}),
        containerStatuses: main.map(c => this.#waiting(c, waitingReason)),
      },
      MANAGER,
    );
    if (!updated) return;
    const first = init[0] ?? main[0];
    if (first) this.#pullEvents(updated, node, first, 'start');
    this.#schedule(updated, this.options.startDelayMs, () =>
      this.#run(updated, node),
    );
  }

  #run(queued: KubeObject, node: KubeObject) {
    const pod = this.#current(queued);
    if (!pod || asObject(pod.status).phase !== 'Pending') return;
    const at = nowTimestamp();
    const nodeName = node.metadata.name!;
    const { init, main } = containersOf(pod);
    const status = asObject(pod.status);
    const hostNetwork = asObject(pod.spec).hostNetwork === true;
    const podIP = hostNetwork
      ? String(status.hostIP ?? '')
      : this.#allocatePodIp();
    const containerId = (c: Container) =>
      `containerd://${sha256(`${pod.metadata.uid}/${c.name}`)}`;
    const running = writeStatus(
      this.state,
      pod,
      {
        ...status,
        phase: 'Running',
        conditions: this.#conditions(status.conditions, at, {
          PodReadyToStartContainers: { status: 'True' },
          Initialized: { status: 'True' },
          Ready: { status: 'True' },
          ContainersReady: { status: 'True' },
        }),
        ...(podIP ? { podIP, podIPs: [{ ip: podIP }] } : {}),
        ...(init.length
          ? {
              initContainerStatuses: init.map(c => ({
                name: c.name,
                image: fullImageName(c.image),
                imageID: imageId(c.image),
                containerID: containerId(c),
                ready: true,
                started: false,
                restartCount: 0,
                lastState: {},
                state: {
                  terminated: {
                    exitCode: 0,
                    reason: 'Completed',
                    startedAt: at,
                    finishedAt: at,
                    containerID: containerId(c),
                  },
                },
              })),
            }
          : {}),
        containerStatuses: main.map(c => ({
          name: c.name,
          image: fullImageName(c.image),
          imageID: imageId(c.image),
          containerID: containerId(c),
          ready: true,
          started: true,
          restartCount: 0,
          lastState: {},
          state: { running: { startedAt: at } },
        })),
      },
      MANAGER,
    );
    if (!running) return;
    [...init, ...main].forEach((c, i) => {
      if (i > 0) this.#pullEvents(running, node, c, 'start');
      this.#pullEvents(running, node, c, 'finish');
      const source = { component: 'kubelet', host: nodeName };
      this.events.record(running, source, {
        type: 'Normal',
        reason: 'Created',
        message: `Created container ${c.name}`,
        fieldPath: c.fieldPath,
      });
      this.events.record(running, source, {
        type: 'Normal',
        reason: 'Started',
        message: `Started container ${c.name}`,
        fieldPath: c.fieldPath,
      });
    });
    this.#scheduleCompletion(running);
  }

  /** Containers exit 0 after the pod's run-seconds: the pod Succeeded. */
  #complete(queued: KubeObject) {
    const pod = this.#current(queued);
    if (!pod || asObject(pod.status).phase !== 'Running') return;
    const at = nowTimestamp();
    const status = asObject(pod.status);
    writeStatus(
      this.state,
      pod,
      {
        ...status,
        phase: 'Succeeded',
        conditions: this.#conditions(status.conditions, at, {
          PodReadyToStartContainers: { status: 'False' },
          Initialized: { status: 'True', reason: 'PodCompleted' },
          Ready: { status: 'False', reason: 'PodCompleted' },
          ContainersReady: { status: 'False', reason: 'PodCompleted' },
        }),
        containerStatuses: asList(status.containerStatuses).map(cs => ({
          ...cs,
          ready: false,
          started: false,
          state: {
            terminated: {
              exitCode: 0,
              reason: 'Completed',
              startedAt: asObject(asObject(cs.state).running).startedAt ?? at,
              finishedAt: at,
              containerID: cs.containerID,
            },
          },
        })),
      },
      MANAGER,
    );
  }

  /**
   * Pulling when the pull starts, Pulled when it ends; an image the node has
   * (and may reuse) is only reported present.
   */
  #pullEvents(
    pod: KubeObject,
    node: KubeObject,
    c: Container,
    stage: 'start' | 'finish',
  ) {
    const nodeName = node.metadata.name!;
    const pulled = this.#images.get(nodeName) ?? new Set<string>();
    this.#images.set(nodeName, pulled);
    const source = { component: 'kubelet', host: nodeName };
    const present = c.pullPolicy !== 'Always' && pulled.has(c.image);
    if (stage === 'start') {
      if (!present) {
        this.events.record(pod, source, {
          type: 'Normal',
          reason: 'Pulling',
          message: `Pulling image "${c.image}"`,
          fieldPath: c.fieldPath,
        });
      }
      return;
    }
    if (present) {
      this.events.record(pod, source, {
        type: 'Normal',
        reason: 'Pulled',
        message: `Container image "${c.image}" already present on machine`,
        fieldPath: c.fieldPath,
      });
      return;
    }
    const took = goDuration(this.options.startDelayMs);
    // A stable size per image, between 0.1 and 4.4 GB like real serving images.
    const size = 100_000_000 + parseInt(sha256(c.image).slice(0, 8), 16);
    this.events.record(pod, source, {
      type: 'Normal',
      reason: 'Pulled',
      message: `Successfully pulled image "${c.image}" in ${took} (${took} including waiting). Image size: ${size} bytes.`,
      fieldPath: c.fieldPath,
    });
    pulled.add(c.image);
  }

  #waiting(c: Container, reason: string): JsonObject {
    return {
      name: c.name,
      image: c.image,
      imageID: '',
      ready: false,
      started: false,
      restartCount: 0,
      lastState: {},
      state: { waiting: { reason } },
    };
  }

  /** The pod's conditions in the kubelet's order; PodScheduled kept from the scheduler. */
  #conditions(
    previous: unknown,
    at: string,
    wanted: Record<
      string,
      { status: string; reason?: string; message?: string }
    >,
  ): JsonObject[] {
    const before = asList(previous);
    const scheduled = before.find(c => c.type === 'PodScheduled') ?? {
      type: 'PodScheduled',
      status: 'True',
      lastProbeTime: null,
      lastTransitionTime: at,
    };
    return [
      ...Object.entries(wanted).map(([type, condition]) => {
        const old = before.find(c => c.type === type);
        return {
          type,
          ...condition,
          lastProbeTime: null,
          lastTransitionTime:
            old?.status === condition.status
              ? old.lastTransitionTime ?? at
              : at,
        };
      }),
      scheduled,
    ];
  }

  #allocatePodIp(): string {
    const n = this.#nextPodIp++;
    // Above the addresses scenario pods are given, so the two never meet.
    return `10.244.${128 + Math.floor(n / 254)}.${(n % 254) + 1}`;
  }
}
