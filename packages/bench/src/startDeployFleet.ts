import fs from 'node:fs';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { writeKubeconfig } from '@gpu-fleet/k8s-simulator';
import type { NodeInventory } from '@gpu-fleet/plugin-gpu-fleet-common';
import { FleetApiClient } from './FleetApiClient';
import { ForkedChild, stopChild } from './forkedChild';
import type { Teardown } from './runTunnelBench';
import { startAgentProcess, waitUntilConnected } from './startAgentProcess';
import { BENCH_USER } from './startBenchBackend';

/** The demo's four clusters; each is attached under its scenario's name. */
export const DEPLOY_CLUSTERS = [
  { name: 'coreweave-h100', provider: 'coreweave' },
  { name: 'lambda-h200', provider: 'lambda' },
  { name: 'eks-p5', provider: 'eks' },
  { name: 'oke-bm-h100', provider: 'oke' },
] as const;

/** One attached cluster with its simulator and agent processes and the bench's workspace on it. */
export interface FleetCluster {
  name: string;
  workspace: string;
  /** The GPU type its GPU nodes have, as the inventory names it. */
  gpuType: string;
  simulator: ForkedChild;
  agent: ChildProcess;
}

// Lambda's and EKS's GPU nodes are tainted; without this nothing lands on them.
const GPU_TOLERATION = {
  key: 'nvidia.com/gpu',
  operator: 'Exists',
  effect: 'NoSchedule',
} as const;

async function inventoryOf(
  api: FleetApiClient,
  apiToken: string,
  cluster: string,
) {
  return api.json<{ nodes: NodeInventory[] }>(
    'GET',
    `/clusters/${cluster}/inventory`,
    apiToken,
  );
}

/**
 * GPUs of the cluster's type on ready, schedulable nodes that no unfinished
 * pod requests, as the agent last reported: apart those on spot nodes, which
 * the bench's deployments (on-demand, the default) cannot use.
 */
export async function freeGpus(
  api: FleetApiClient,
  apiToken: string,
  cluster: FleetCluster,
): Promise<{ free: number; freeOnSpot: number }> {
  const { nodes } = await inventoryOf(api, apiToken, cluster.name);
  const sum = (spot: boolean) =>
    nodes
      .filter(
        n =>
          n.gpuType === cluster.gpuType &&
          n.ready &&
          n.schedulable &&
          (n.capacityType === 'spot') === spot,
      )
      .reduce(
        (total, n) => total + Math.max(0, n.gpuCount - n.gpuAllocated),
        0,
      );
  return { free: sum(false), freeOnSpot: sum(true) };
}

async function waitForGpuInventory(
  api: FleetApiClient,
  apiToken: string,
  cluster: string,
  timeoutMs: number,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { nodes } = await inventoryOf(api, apiToken, cluster);
    const gpuType = nodes.find(n => n.gpuType && n.gpuCount > 0)?.gpuType;
    if (gpuType) return gpuType;
    if (Date.now() > deadline) {
      throw new Error(
        `${cluster}'s agent reported no GPU node within ${timeoutMs} ms`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}

async function startCluster(
  options: {
    api: FleetApiClient;
    baseUrl: string;
    apiToken: string;
    dir: string;
    logDir: string;
    teardown: Teardown;
  },
  cluster: (typeof DEPLOY_CLUSTERS)[number],
): Promise<FleetCluster> {
  const { api, apiToken, teardown } = options;
  const simulator = ForkedChild.start(
    require.resolve('./scenarioSimulatorChild'),
  );
  teardown.add(() => simulator.stop());
  const { url } = await simulator.request<{ url: string }>({
    scenario: cluster.name,
  });
  const kubeconfig = path.join(options.dir, `${cluster.name}.kubeconfig`);
  writeKubeconfig(url, kubeconfig, cluster.name);

  // The provider's default add-ons, none of them Argo CD: with it the
  // backend delivers an Argo CD Application, which no simulator runs.
  const { token } = await api.json<{ token: string }>(
    'POST',
    '/clusters',
    apiToken,
    { body: { name: cluster.name, provider: cluster.provider }, expect: 201 },
  );
  const logFile = path.join(options.logDir, `${cluster.name}.agent.log`);
  const agent = startAgentProcess({
    baseUrl: options.baseUrl,
    clusterName: cluster.name,
    token,
    kubeconfig,
    logFile,
  });
  teardown.add(() => stopChild(agent));
  await waitUntilConnected({
    baseUrl: options.baseUrl,
    apiToken,
    clusterName: cluster.name,
    agent,
    logFile,
    timeoutMs: 60_000,
  });
  const gpuType = await waitForGpuInventory(
    api,
    apiToken,
    cluster.name,
    60_000,
  );

  const workspace = `bench-${cluster.name}`;
  await api.json('POST', '/workspaces', apiToken, {
    body: {
      name: workspace,
      cluster: cluster.name,
      gpuQuota: [{ gpuType, count: 1000 }],
      defaults: { tolerations: [GPU_TOLERATION] },
      // An ML engineer's rights, not a fleet admin's.
      members: [{ ref: BENCH_USER, role: 'deployer' }],
    },
    expect: 201,
  });
  return {
    name: cluster.name,
    workspace,
    gpuType,
    simulator,
    agent,
  };
}

/**
 * The four demo clusters, each a simulator in its own process served by a
 * real agent process, attached through the registry API with a workspace
 * the bench user deploys into; resolves once each cluster's GPU inventory
 * has arrived.
 */
export async function startDeployFleet(options: {
  baseUrl: string;
  apiToken: string;
  /** Kubeconfigs go here. */
  dir: string;
  /** Agent logs go here; they outlive the run. */
  logDir: string;
  teardown: Teardown;
}): Promise<FleetCluster[]> {
  fs.mkdirSync(options.logDir, { recursive: true });
  const api = new FleetApiClient(options.baseUrl);
  return Promise.all(
    DEPLOY_CLUSTERS.map(cluster => startCluster({ ...options, api }, cluster)),
  );
}
