import { performance } from 'node:perf_hooks';
import type {
  DeploymentManifestInput,
  DeploymentView,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { FleetApiClient } from './FleetApiClient';

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

type GpuType = DeploymentManifestInput['resources']['gpu']['type'];

/** A one-GPU vLLM service, as the scaffolder's form makes it; the GPU type as the inventory names it. */
export function vllmManifest(
  name: string,
  workspace: string,
  gpuType: string,
): DeploymentManifestInput {
  return {
    kind: 'Service',
    template: 'vllm',
    name,
    workspace,
    image: 'vllm/vllm-openai:v0.6.4',
    model: 'meta-llama/Llama-3.1-8B-Instruct',
    resources: {
      gpu: { type: gpuType as GpuType, count: 1 },
      cpu: '8',
      memory: '64Gi',
    },
    replicas: { min: 1, max: 1 },
  };
}

/** Milliseconds from a deployment's POST, each undefined until seen. */
export interface DeploymentTiming {
  workspace: string;
  name: string;
  /** The POST's answer; 201 when the deployment was created. */
  status?: number;
  error?: string;
  /** The delivery state the POST's answer carried: applied, or where it got within the backend's request wait. */
  answeredState?: string;
  /** The POST answered with delivery applied, or else a later read saw it applied. */
  appliedMs?: number;
  /** A read first saw status.phase Running. */
  runningMs?: number;
  /** The phase last read ('none' before the agent reported any). */
  phase?: string;
}

const routeOf = (d: { workspace: string; name: string }) =>
  `/workspaces/${d.workspace}/deployments/${d.name}`;

/** Creates one deployment, then reads it every `pollMs` until it runs. */
export async function timeOneDeployment(
  api: FleetApiClient,
  token: string,
  manifest: DeploymentManifestInput,
  options: { pollMs: number; timeoutMs: number },
): Promise<DeploymentTiming> {
  const timing: DeploymentTiming = {
    workspace: manifest.workspace,
    name: manifest.name,
  };
  const started = performance.now();
  const created = await api.json<DeploymentView>(
    'POST',
    '/deployments',
    token,
    { body: manifest, expect: 201 },
  );
  timing.status = 201;
  timing.answeredState = created.delivery.state;
  if (created.delivery.state === 'applied') {
    timing.appliedMs = performance.now() - started;
  }
  const deadline = started + options.timeoutMs;
  for (;;) {
    const view = await api.json<DeploymentView>('GET', routeOf(timing), token);
    const at = performance.now() - started;
    if (timing.appliedMs === undefined && view.delivery.state === 'applied') {
      timing.appliedMs = at;
    }
    timing.phase = view.status?.phase ?? 'none';
    if (view.status?.phase === 'Running') {
      timing.runningMs = at;
      return timing;
    }
    if (performance.now() > deadline) {
      throw new Error(
        `${timing.name} was not Running within ${options.timeoutMs} ms (phase ${timing.phase}, delivery ${view.delivery.state})`,
      );
    }
    await sleep(options.pollMs);
  }
}

/** Deletes a deployment and waits until it is gone from Git, the cluster and the backend. */
export async function removeDeployment(
  api: FleetApiClient,
  token: string,
  deployment: { workspace: string; name: string },
  timeoutMs: number,
): Promise<void> {
  const route = routeOf(deployment);
  const response = await api.call('DELETE', route, token);
  await response.arrayBuffer();
  if (response.status !== 204 && response.status !== 202) {
    throw new Error(`DELETE ${route} answered ${response.status}`);
  }
  const deadline = Date.now() + timeoutMs;
  while ((await api.call('GET', route, token)).status !== 404) {
    if (Date.now() > deadline) {
      throw new Error(`${deployment.name} was not gone within ${timeoutMs} ms`);
    }
    await sleep(100);
  }
}

export interface BurstRun {
  timings: DeploymentTiming[];
  /** When the last POST was answered. */
  answeredMs: number;
  /** When the last deployment that ran was first seen Running. */
  lastRunningMs?: number;
  /** Every created deployment ran; otherwise the run stopped once nothing changed for settleMs. */
  allRunning: boolean;
}

/**
 * Creates every deployment at once and reads the deployment list every
 * `pollMs` (one request a tick, so the reading adds little load) until all
 * run, or until all are applied and none has started running for
 * `settleMs`: deployments the clusters have no free GPU for stay Pending.
 */
export async function timeDeploymentBurst(
  api: FleetApiClient,
  token: string,
  manifests: DeploymentManifestInput[],
  options: { pollMs: number; settleMs: number; timeoutMs: number },
): Promise<BurstRun> {
  const keyOf = (d: { workspace: string; name: string }) =>
    `${d.workspace}/${d.name}`;
  const timings = new Map<string, DeploymentTiming>(
    manifests.map(m => [
      keyOf(m),
      { workspace: m.workspace, name: m.name } as DeploymentTiming,
    ]),
  );
  // A read may see the delivery applied before its POST's answer arrives;
  // the answer's time counts when it says applied, as for one deployment.
  const seenApplied = new Map<string, number>();
  let answered = 0;
  let answeredMs = 0;
  const started = performance.now();
  const posts = manifests.map(async manifest => {
    const timing = timings.get(keyOf(manifest))!;
    try {
      const response = await api.call('POST', '/deployments', token, manifest);
      const text = await response.text();
      const at = performance.now() - started;
      timing.status = response.status;
      if (response.status === 201) {
        const view = JSON.parse(text) as DeploymentView;
        timing.answeredState = view.delivery.state;
        if (view.delivery.state === 'applied') timing.appliedMs = at;
      } else {
        timing.error = text.slice(0, 300);
      }
    } catch (error) {
      timing.error = (error as Error).message;
    } finally {
      answered++;
      answeredMs = performance.now() - started;
    }
  });

  let lastChange = performance.now();
  let lastRunningMs: number | undefined;
  const created = () => [...timings.values()].filter(t => t.status === 201);
  for (;;) {
    const list = await api.json<{ items: DeploymentView[] }>(
      'GET',
      '/deployments',
      token,
    );
    const now = performance.now();
    const at = now - started;
    for (const view of list.items) {
      const timing = timings.get(keyOf(view));
      if (!timing) continue;
      if (view.delivery.state === 'applied' && !seenApplied.has(keyOf(view))) {
        seenApplied.set(keyOf(view), at);
        lastChange = now;
      }
      timing.phase = view.status?.phase ?? 'none';
      if (view.status?.phase === 'Running' && timing.runningMs === undefined) {
        timing.runningMs = at;
        lastRunningMs = at;
        lastChange = now;
      }
    }
    if (answered === manifests.length) {
      const mine = created();
      const allApplied = mine.every(t => seenApplied.has(keyOf(t)));
      if (allApplied && mine.every(t => t.runningMs !== undefined)) break;
      if (allApplied && now - lastChange > options.settleMs) break;
    }
    if (at > options.timeoutMs) break;
    await sleep(options.pollMs);
  }
  await Promise.all(posts);
  for (const timing of timings.values()) {
    if (timing.status === 201 && timing.appliedMs === undefined) {
      timing.appliedMs = seenApplied.get(keyOf(timing));
    }
  }
  const mine = created();
  return {
    timings: [...timings.values()],
    answeredMs,
    lastRunningMs,
    allRunning:
      mine.length === manifests.length &&
      mine.every(t => t.runningMs !== undefined),
  };
}
