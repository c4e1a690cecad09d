/** A small GPU cluster with controllers running, reached through @kubernetes/client-node, for the controller tests. */

import {
  AppsV1Api,
  CoreV1Api,
  CoreV1Event,
  KubeConfig,
  KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';
import { kubeconfigYaml } from '../kubeconfig';
import { Scenario, ScenarioNodePool } from '../scenario';
import {
  RunningSimulator,
  SimulatorOptions,
  startSimulator,
} from '../startSimulator';

export const GPU_TYPE_LABEL = 'gpu-fleet.io/gpu-type';

/** A pool of tainted H100 nodes with `gpus` GPUs each, like a hyperscaler GPU node group. */
export function gpuPool(
  name: string,
  count: number,
  gpus: number,
  overrides: Partial<ScenarioNodePool> = {},
): ScenarioNodePool {
  return {
    name,
    count,
    instanceType: 'p5.48xlarge',
    nodeNameTemplate: `${name}-{index}`,
    gpu: { product: 'NVIDIA-H100-80GB-HBM3', count: gpus },
    labels: { [GPU_TYPE_LABEL]: 'H100' },
    taints: [{ key: 'nvidia.com/gpu', effect: 'NoSchedule' }],
    capacity: {
      cpu: '192',
      memory: '2048Gi',
      pods: '110',
      'nvidia.com/gpu': String(gpus),
    },
    ...overrides,
  };
}

export function cpuPool(name: string, count: number): ScenarioNodePool {
  return {
    name,
    count,
    instanceType: 'm6i.2xlarge',
    nodeNameTemplate: `${name}-{index}`,
    capacity: { cpu: '8', memory: '32Gi', pods: '58' },
  };
}

export function testScenario(
  nodePools: ScenarioNodePool[],
  extra: Partial<Scenario> = {},
): Scenario {
  return {
    name: 'controllers-test',
    provider: 'generic',
    kubernetesVersion: 'v1.30.6',
    nodePools,
    namespaces: ['ml'],
    ...extra,
  };
}

export interface ControllerCluster {
  sim: RunningSimulator;
  kc: KubeConfig;
  core: CoreV1Api;
  apps: AppsV1Api;
  objects: KubernetesObjectApi;
  /** Server-side apply, as GPU Fleet delivers manifests. */
  apply<T extends KubernetesObject>(obj: T): Promise<T>;
  /** Events about one object, oldest first. */
  eventsFor(namespace: string, name: string): Promise<CoreV1Event[]>;
  close(): Promise<void>;
}

export async function startControllerCluster(
  scenario: Scenario,
  options: Omit<SimulatorOptions, 'scenario'> = {},
): Promise<ControllerCluster> {
  const sim = await startSimulator({
    scenario,
    kubeletStartDelayMs: 10,
    ...options,
  });
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfigYaml(sim.url, scenario.name));
  const core = kc.makeApiClient(CoreV1Api);
  const objects = KubernetesObjectApi.makeApiClient(kc);
  return {
    sim,
    kc,
    core,
    apps: kc.makeApiClient(AppsV1Api),
    objects,
    apply: obj =>
      objects.patch(
        obj,
        undefined,
        undefined,
        'gpu-fleet',
        true,
        PatchStrategy.ServerSideApply,
      ),
    async eventsFor(namespace, name) {
      const list = await core.listNamespacedEvent({
        namespace,
        fieldSelector: `involvedObject.name=${name}`,
      });
      return list.items;
    },
    close: () => sim.close(),
  };
}

/** Retries the assertion until it passes (or the test's own timeout ends it with the last failure). */
export async function eventually<T>(
  assertion: () => Promise<T> | T,
  timeoutMs = 8000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await assertion();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise(resolve => setTimeout(resolve, 20));
    }
  }
}
