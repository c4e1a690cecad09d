/** Scenario files: a provider's GPU cluster (node pools, namespaces, pods) described in YAML. */

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { AGENT_RIGHTS, AgentRights, isAgentRights } from './AccessRights';
import { addonCrds, addonNamespaces } from './addonCrds';
import { ClusterState } from './ClusterState';
import { isPlainObject, JsonObject, KubeObject } from './kubeObject';

/** @public */
export interface ScenarioTaint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/** @public */
export interface ScenarioGpu {
  /** As NVIDIA GPU Feature Discovery reports it, e.g. NVIDIA-H100-80GB-HBM3. */
  product: string;
  count: number;
  memoryMiB?: number;
  family?: string;
  /** Whether GFD runs and labels the node (nvidia.com/gpu.product, ...). Default true. */
  featureDiscovery?: boolean;
}

/** @public */
export interface ScenarioNodeOverride {
  name?: string;
  labels?: Record<string, string>;
  ready?: boolean;
  unschedulable?: boolean;
}

/** @public */
export interface ScenarioNodePool {
  name: string;
  count: number;
  /** Instance type or shape: p5.48xlarge, BM.GPU.H100.8, gd-8xh100ib-i128, ... */
  instanceType: string;
  /** ON_DEMAND, SPOT, reserved, ... (informational; provider labels carry it). */
  capacityType?: string;
  gpu?: ScenarioGpu;
  /** Zones nodes are spread over round-robin. */
  zones?: string[];
  /** Node name with {pool}, {index}, {ip}, {ipDashed}, {zone} placeholders. Default `{pool}-{index}`. */
  nodeNameTemplate?: string;
  /** InternalIP of the pool's first node; later nodes count up. */
  ipBase?: string;
  /** spec.providerID with the same placeholders plus {name}. */
  providerIdTemplate?: string;
  /** Labels for every node; values may use the placeholders too. */
  labels?: Record<string, string>;
  taints?: ScenarioTaint[];
  capacity: Record<string, string>;
  /** Defaults to capacity. */
  allocatable?: Record<string, string>;
  nodeInfo?: {
    osImage?: string;
    kernelVersion?: string;
    containerRuntimeVersion?: string;
    kubeletVersion?: string;
  };
  /** Per-node overrides by index (e.g. RDMA block labels that differ between nodes). */
  nodes?: ScenarioNodeOverride[];
}

/** @public */
export interface ScenarioPod {
  name: string;
  namespace?: string;
  /** Place on node `nodeIndex` of this pool... */
  nodePool?: string;
  nodeIndex?: number;
  /** ...or on this node name. */
  nodeName?: string;
  image?: string;
  gpus?: number;
  labels?: Record<string, string>;
  phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  containerName?: string;
  /** Initial log lines of the (single) container. */
  logs?: string[];
}

/** @public */
export interface Scenario {
  name: string;
  provider: string;
  description?: string;
  /** Served from /version and used as the kubelet version, e.g. v1.30.4-eks-a737599. */
  kubernetesVersion: string;
  region?: string;
  nodePools: ScenarioNodePool[];
  namespaces?: Array<
    string | { name: string; labels?: Record<string, string> }
  >;
  pods?: ScenarioPod[];
  /** Any further manifests to create as-is (namespaces must exist or be listed above). */
  objects?: KubeObject[];
  /** 'read-only': the agent was installed without workspace rights (default 'full'). */
  agentRights?: AgentRights;
  /**
   * Add-ons installed on the cluster, named as GPU Fleet names them (`keda`,
   * `argocd`, `kueue`, `cert-manager`, ...). keda, argocd and kueue install
   * their CRDs; the others are recorded only.
   */
  addons?: string[];
}

class ScenarioError extends Error {
  constructor(source: string, message: string) {
    super(`Invalid scenario ${source}: ${message}`);
    this.name = 'ScenarioError';
  }
}

function expectString(value: unknown, field: string, source: string): string {
  if (typeof value !== 'string' || !value) {
    throw new ScenarioError(source, `${field} must be a non-empty string`);
  }
  return value;
}

function expectStringMap(
  value: unknown,
  field: string,
  source: string,
): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (!isPlainObject(value)) {
    throw new ScenarioError(source, `${field} must be a map`);
  }
  const result: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === null || typeof v === 'object') {
      throw new ScenarioError(source, `${field}.${k} must be a string`);
    }
    // Quantities like `cpu: 192` arrive as numbers from YAML; Kubernetes wants strings.
    result[k] = String(v);
  }
  return result;
}

/** Checks a parsed scenario document and normalizes scalar quantities to strings. */
export function parseScenario(doc: unknown, source = 'scenario'): Scenario {
  if (!isPlainObject(doc)) {
    throw new ScenarioError(source, 'the document must be a map');
  }
  const scenario = doc as unknown as Scenario;
  expectString(scenario.name, 'name', source);
  expectString(scenario.provider, 'provider', source);
  expectString(scenario.kubernetesVersion, 'kubernetesVersion', source);
  if (!/^v\d+\.\d+\.\d+/.test(scenario.kubernetesVersion)) {
    throw new ScenarioError(source, 'kubernetesVersion must look like v1.30.4');
  }
  if (
    scenario.agentRights !== undefined &&
    !isAgentRights(scenario.agentRights)
  ) {
    throw new ScenarioError(
      source,
      `agentRights must be one of ${AGENT_RIGHTS.join(', ')}`,
    );
  }
  if (
    scenario.addons !== undefined &&
    (!Array.isArray(scenario.addons) ||
      scenario.addons.some(a => typeof a !== 'string' || !a))
  ) {
    throw new ScenarioError(source, 'addons must be a list of add-on names');
  }
  if (!Array.isArray(scenario.nodePools)) {
    throw new ScenarioError(source, 'nodePools must be a list');
  }
  scenario.nodePools.forEach((pool, i) => {
    const at = `nodePools[${i}]`;
    if (!isPlainObject(pool))
      throw new ScenarioError(source, `${at} must be a map`);
    expectString(pool.name, `${at}.name`, source);
    expectString(pool.instanceType, `${at}.instanceType`, source);
    if (!Number.isInteger(pool.count) || pool.count < 0) {
      throw new ScenarioError(
        source,
        `${at}.count must be a non-negative integer`,
      );
    }
    pool.capacity =
      expectStringMap(pool.capacity, `${at}.capacity`, source) ?? {};
    if (Object.keys(pool.capacity).length === 0) {
      throw new ScenarioError(
        source,
        `${at}.capacity must list cpu, memory, pods (and GPUs)`,
      );
    }
    pool.allocatable = expectStringMap(
      pool.allocatable,
      `${at}.allocatable`,
      source,
    );
    pool.labels = expectStringMap(pool.labels, `${at}.labels`, source);
    if (pool.gpu !== undefined) {
      expectString(pool.gpu.product, `${at}.gpu.product`, source);
      if (!Number.isInteger(pool.gpu.count) || pool.gpu.count < 1) {
        throw new ScenarioError(
          source,
          `${at}.gpu.count must be a positive integer`,
        );
      }
    }
    for (const [j, taint] of (pool.taints ?? []).entries()) {
      expectString(taint.key, `${at}.taints[${j}].key`, source);
      if (
        !['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(taint.effect)
      ) {
        throw new ScenarioError(
          source,
          `${at}.taints[${j}].effect must be NoSchedule, PreferNoSchedule or NoExecute`,
        );
      }
    }
    (pool.nodes ?? []).forEach((node, j) => {
      node.labels = expectStringMap(
        node.labels,
        `${at}.nodes[${j}].labels`,
        source,
      );
    });
    if ((pool.nodes ?? []).length > pool.count) {
      throw new ScenarioError(
        source,
        `${at}.nodes has more entries than count`,
      );
    }
  });
  (scenario.pods ?? []).forEach((pod, i) => {
    expectString(pod.name, `pods[${i}].name`, source);
    if (
      pod.nodePool !== undefined &&
      !scenario.nodePools.some(p => p.name === pod.nodePool)
    ) {
      throw new ScenarioError(
        source,
        `pods[${i}].nodePool "${pod.nodePool}" is not a node pool`,
      );
    }
  });
  return scenario;
}

/** Reads and checks a scenario YAML file. */
export function loadScenario(path: string): Scenario {
  return parseScenario(YAML.parse(readFileSync(path, 'utf8')), path);
}

function addToIp(base: string, offset: number): string {
  const parts = base.split('.').map(Number);
  let value =
    ((parts[0] << 24) >>> 0) +
    (parts[1] << 16) +
    (parts[2] << 8) +
    parts[3] +
    offset;
  const out: number[] = [];
  for (let i = 0; i < 4; i++) {
    out.unshift(value % 256);
    value = Math.floor(value / 256);
  }
  return out.join('.');
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key) => values[key] ?? whole);
}

/** Stable pseudo-random hex so repeated runs of a scenario produce identical nodes. */
function stableHex(seed: string, length: number): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, length);
}

export interface ScenarioNode {
  pool: ScenarioNodePool;
  index: number;
  object: KubeObject;
}

/** The Node objects a scenario's pools describe, with realistic status. */
export function buildScenarioNodes(scenario: Scenario): ScenarioNode[] {
  const result: ScenarioNode[] = [];
  scenario.nodePools.forEach((pool, poolIndex) => {
    for (let index = 0; index < pool.count; index++) {
      const override = pool.nodes?.[index] ?? {};
      const ip = addToIp(pool.ipBase ?? `10.${poolIndex}.0.10`, index);
      const zone = pool.zones?.length
        ? pool.zones[index % pool.zones.length]
        : '';
      const values: Record<string, string> = {
        pool: pool.name,
        index: String(index),
        ip,
        ipDashed: ip.replace(/\./g, '-'),
        zone,
        region: scenario.region ?? '',
      };
      const name =
        override.name ??
        fill(pool.nodeNameTemplate ?? '{pool}-{index}', values);
      values.name = name;
      values.instanceId = stableHex(`${scenario.name}/${name}`, 17);
      const gpuLabels: Record<string, string> = {};
      if (pool.gpu && pool.gpu.featureDiscovery !== false) {
        gpuLabels['nvidia.com/gpu.present'] = 'true';
        gpuLabels['nvidia.com/gpu.product'] = pool.gpu.product;
        gpuLabels['nvidia.com/gpu.count'] = String(pool.gpu.count);
        if (pool.gpu.memoryMiB)
          gpuLabels['nvidia.com/gpu.memory'] = String(pool.gpu.memoryMiB);
        if (pool.gpu.family)
          gpuLabels['nvidia.com/gpu.family'] = pool.gpu.family;
      }
      const poolLabels = Object.fromEntries(
        Object.entries(pool.labels ?? {}).map(([k, v]) => [k, fill(v, values)]),
      );
      const labels: Record<string, string> = {
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'beta.kubernetes.io/instance-type': pool.instanceType,
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/os': 'linux',
        'kubernetes.io/hostname': name,
        'node.kubernetes.io/instance-type': pool.instanceType,
        ...(scenario.region
          ? { 'topology.kubernetes.io/region': scenario.region }
          : {}),
        ...(zone ? { 'topology.kubernetes.io/zone': zone } : {}),
        ...gpuLabels,
        ...poolLabels,
        ...(override.labels ?? {}),
      };
      const capacity = { ...pool.capacity };
      const allocatable = { ...(pool.allocatable ?? pool.capacity) };
      const ready = override.ready ?? true;
      const heartbeat = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
      const condition = (
        type: string,
        status: string,
        reason: string,
        message: string,
      ) => ({
        type,
        status,
        lastHeartbeatTime: heartbeat,
        lastTransitionTime: heartbeat,
        reason,
        message,
      });
      const info = pool.nodeInfo ?? {};
      const object: KubeObject = {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: {
          name,
          labels,
          annotations: {
            'node.alpha.kubernetes.io/ttl': '0',
            'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
          },
        },
        spec: {
          ...(pool.providerIdTemplate
            ? { providerID: fill(pool.providerIdTemplate, values) }
            : {}),
          ...(pool.taints?.length
            ? { taints: pool.taints.map(t => ({ ...t })) }
            : {}),
          ...(override.unschedulable ? { unschedulable: true } : {}),
        },
        status: {
          capacity,
          allocatable,
          conditions: [
            condition(
              'MemoryPressure',
              'False',
              'KubeletHasSufficientMemory',
              'kubelet has sufficient memory available',
            ),
            condition(
              'DiskPressure',
              'False',
              'KubeletHasNoDiskPressure',
              'kubelet has no disk pressure',
            ),
            condition(
              'PIDPressure',
              'False',
              'KubeletHasSufficientPID',
              'kubelet has sufficient PID available',
            ),
            ready
              ? condition(
                  'Ready',
                  'True',
                  'KubeletReady',
                  'kubelet is posting ready status',
                )
              : condition(
                  'Ready',
                  'False',
                  'KubeletNotReady',
                  'container runtime network not ready',
                ),
          ],
          addresses: [
            { type: 'InternalIP', address: ip },
            { type: 'Hostname', address: name },
          ],
          daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
          nodeInfo: {
            machineID: stableHex(`machine/${name}`, 32),
            systemUUID: stableHex(`system/${name}`, 32).replace(
              /^(.{8})(.{4})(.{4})(.{4})(.{12})$/,
              '$1-$2-$3-$4-$5',
            ),
            bootID: stableHex(`boot/${name}`, 32).replace(
              /^(.{8})(.{4})(.{4})(.{4})(.{12})$/,
              '$1-$2-$3-$4-$5',
            ),
            kernelVersion: info.kernelVersion ?? '5.15.0-1063-nvidia',
            osImage: info.osImage ?? 'Ubuntu 22.04.4 LTS',
            containerRuntimeVersion:
              info.containerRuntimeVersion ?? 'containerd://1.7.20',
            kubeletVersion: info.kubeletVersion ?? scenario.kubernetesVersion,
            kubeProxyVersion: info.kubeletVersion ?? scenario.kubernetesVersion,
            operatingSystem: 'linux',
            architecture: 'amd64',
          },
        },
      };
      result.push({ pool, index, object });
    }
  });
  return result;
}

function containerState(phase: string, started: string): JsonObject {
  if (phase === 'Running') {
    return { running: { startedAt: started } };
  }
  if (phase === 'Pending') {
    return { waiting: { reason: 'ContainerCreating' } };
  }
  const succeeded = phase === 'Succeeded';
  return {
    terminated: {
      exitCode: succeeded ? 0 : 1,
      reason: succeeded ? 'Completed' : 'Error',
      startedAt: started,
      finishedAt: started,
    },
  };
}

function buildPod(
  spec: ScenarioPod,
  nodes: ScenarioNode[],
  index: number,
): KubeObject {
  let node: ScenarioNode | undefined;
  if (spec.nodeName) {
    node = nodes.find(n => n.object.metadata.name === spec.nodeName);
  } else if (spec.nodePool) {
    node = nodes.find(
      n => n.pool.name === spec.nodePool && n.index === (spec.nodeIndex ?? 0),
    );
  }
  const nodeName = spec.nodeName ?? node?.object.metadata.name;
  const phase = spec.phase ?? (nodeName ? 'Running' : 'Pending');
  const containerName = spec.containerName ?? 'main';
  const image = spec.image ?? 'nvcr.io/nvidia/pytorch:24.07-py3';
  const gpuResources = spec.gpus
    ? { 'nvidia.com/gpu': String(spec.gpus) }
    : undefined;
  const taints = ((node?.object.spec as JsonObject | undefined)?.taints ??
    []) as ScenarioTaint[];
  const started = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const running = phase === 'Running';
  const hostIP = (node?.object.status as JsonObject | undefined)?.addresses as
    | JsonObject[]
    | undefined;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: spec.name,
      namespace: spec.namespace ?? 'default',
      labels: spec.labels,
    },
    spec: {
      ...(nodeName ? { nodeName } : {}),
      containers: [
        {
          name: containerName,
          image,
          ...(gpuResources
            ? { resources: { requests: gpuResources, limits: gpuResources } }
            : {}),
        },
      ],
      // Pods placed on tainted GPU nodes must tolerate the taints, as they would in reality.
      ...(taints.length
        ? {
            tolerations: taints.map(t => ({
              key: t.key,
              operator: 'Exists',
              effect: t.effect,
            })),
          }
        : {}),
    },
    status: {
      phase,
      ...(nodeName
        ? {
            hostIP: hostIP?.[0]?.address,
            podIP: `10.244.${Math.floor(index / 250)}.${(index % 250) + 2}`,
            startTime: started,
            conditions: [
              {
                type: 'PodScheduled',
                status: 'True',
                lastTransitionTime: started,
              },
              {
                type: 'Initialized',
                status: 'True',
                lastTransitionTime: started,
              },
              {
                type: 'ContainersReady',
                status: running ? 'True' : 'False',
                lastTransitionTime: started,
              },
              {
                type: 'Ready',
                status: running ? 'True' : 'False',
                lastTransitionTime: started,
              },
            ],
            containerStatuses: [
              {
                name: containerName,
                image,
                imageID: '',
                ready: running,
                started: running,
                restartCount: 0,
                state: containerState(phase, started),
              },
            ],
          }
        : {}),
    },
  };
}

/** Creates a scenario's namespaces, nodes, pods (and their logs) and extra objects. */
export function applyScenario(
  state: ClusterState,
  scenario: Scenario,
  appendLog?: (
    namespace: string,
    pod: string,
    container: string,
    line: string,
  ) => void,
): void {
  const options = { fieldManager: 'scenario' };
  // CRDs first, so the scenario's own objects may be add-on resources.
  for (const crd of addonCrds(scenario.addons ?? [])) {
    if (
      !state.store.has(
        'apiextensions.k8s.io/customresourcedefinitions',
        undefined,
        crd.metadata.name!,
      )
    ) {
      state.createObject(crd, { fieldManager: 'helm' });
    }
  }
  for (const name of addonNamespaces(scenario.addons ?? [])) {
    if (!state.store.has('/namespaces', undefined, name)) {
      state.createObject(
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
        { fieldManager: 'helm' },
      );
    }
  }
  const wanted = new Set<string>();
  for (const ns of scenario.namespaces ?? []) {
    const spec = typeof ns === 'string' ? { name: ns } : ns;
    wanted.add(spec.name);
    if (!state.store.has('/namespaces', undefined, spec.name)) {
      state.createObject(
        {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: spec.name, labels: spec.labels },
        },
        options,
      );
    }
  }
  for (const pod of scenario.pods ?? []) {
    const ns = pod.namespace ?? 'default';
    if (!wanted.has(ns) && !state.store.has('/namespaces', undefined, ns)) {
      wanted.add(ns);
      state.createObject(
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
        options,
      );
    }
  }
  const nodes = buildScenarioNodes(scenario);
  for (const node of nodes) {
    state.createObject(node.object, { fieldManager: 'kubelet' });
  }
  (scenario.pods ?? []).forEach((spec, i) => {
    const pod = state.createObject(buildPod(spec, nodes, i), options);
    for (const line of spec.logs ?? []) {
      appendLog?.(
        pod.metadata.namespace!,
        pod.metadata.name!,
        spec.containerName ?? 'main',
        line,
      );
    }
  });
  for (const obj of scenario.objects ?? []) {
    state.createObject(obj, options);
  }
}
