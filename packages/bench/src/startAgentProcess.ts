import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';

const agentBin = require.resolve('@gpu-fleet/agent/bin/gpu-fleet-agent');

/**
 * The agent as a cluster runs it: its own process, configured only through
 * the environment agentConfig.ts reads, its output in `logFile`.
 */
export function startAgentProcess(options: {
  baseUrl: string;
  clusterName: string;
  token: string;
  kubeconfig: string;
  logFile: string;
}): ChildProcess {
  const controlPlaneUrl = new URL(
    '/api/gpu-fleet/agent/connect',
    options.baseUrl,
  );
  controlPlaneUrl.protocol = 'ws:';
  const log = fs.openSync(options.logFile, 'w');
  const agent = spawn(process.execPath, [agentBin], {
    env: {
      ...process.env,
      GPU_FLEET_CONTROL_PLANE_URL: controlPlaneUrl.toString(),
      GPU_FLEET_CLUSTER_NAME: options.clusterName,
      GPU_FLEET_TOKEN: options.token,
      KUBECONFIG: options.kubeconfig,
      // No egress here; the registry probes would only add waiting.
      GPU_FLEET_PROBE_NETWORK: 'false',
    },
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  return agent;
}

/** Resolves once the registry reports the cluster connected; fails if the agent exits or time runs out. */
export async function waitUntilConnected(options: {
  baseUrl: string;
  apiToken: string;
  clusterName: string;
  agent: ChildProcess;
  logFile: string;
  timeoutMs: number;
}): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const response = await fetch(
      `${options.baseUrl}/api/gpu-fleet/clusters/${options.clusterName}`,
      { headers: { authorization: `Bearer ${options.apiToken}` } },
    );
    const status = response.ok
      ? ((await response.json()).status as string)
      : `HTTP ${response.status}`;
    if (status === 'connected') return;
    const { exitCode, signalCode } = options.agent;
    if (exitCode !== null || signalCode !== null) {
      throw new Error(
        `the agent exited (${exitCode ?? signalCode}) before connecting; see ${
          options.logFile
        }`,
      );
    }
    if (Date.now() > deadline) {
      throw new Error(
        `the agent did not connect within ${options.timeoutMs} ms (cluster status ${status}); see ${options.logFile}`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}
