import fs from 'node:fs';
import { isDnsLabel } from '@gpu-fleet/plugin-gpu-fleet-common';
import {
  PrerequisiteSettings,
  readPrerequisiteSettings,
} from './prerequisites/prerequisiteSettings';

export interface AgentConfig {
  controlPlaneUrl: string;
  clusterName: string;
  token: string;
  /** Unset: in-cluster ServiceAccount, else the default kubeconfig. */
  kubeconfigPath?: string;
  /** Unset: the defaults (every 10 minutes, network probes on). */
  prerequisites?: PrerequisiteSettings;
}

/** Stops the agent at start with every problem and how to fix it. */
export class AgentConfigError extends Error {
  readonly name = 'AgentConfigError';
}

export function readAgentConfig(env: NodeJS.ProcessEnv): AgentConfig {
  const problems: string[] = [];
  const controlPlaneUrl = env.GPU_FLEET_CONTROL_PLANE_URL ?? '';
  if (!/^wss?:\/\/[^/]+/.test(controlPlaneUrl)) {
    problems.push(
      'GPU_FLEET_CONTROL_PLANE_URL must be the ws:// or wss:// URL from the install command (controlPlaneURL)',
    );
  }
  const clusterName = env.GPU_FLEET_CLUSTER_NAME ?? '';
  if (!isDnsLabel(clusterName)) {
    problems.push(
      "GPU_FLEET_CLUSTER_NAME must be the attached cluster's name, a DNS-1123 label (clusterName)",
    );
  }
  let token = env.GPU_FLEET_TOKEN ?? '';
  if (!token && env.GPU_FLEET_TOKEN_FILE) {
    try {
      token = fs.readFileSync(env.GPU_FLEET_TOKEN_FILE, 'utf8').trim();
    } catch (error) {
      problems.push(
        `GPU_FLEET_TOKEN_FILE could not be read: ${(error as Error).message}`,
      );
    }
  }
  if (!token.startsWith('gfct_')) {
    problems.push(
      'GPU_FLEET_TOKEN (or GPU_FLEET_TOKEN_FILE) must hold the cluster token shown at attach or rotation (tokenSecret)',
    );
  }
  const kubeconfigPath = env.KUBECONFIG || undefined;
  if (kubeconfigPath && !fs.existsSync(kubeconfigPath)) {
    problems.push(
      `KUBECONFIG points at ${kubeconfigPath}, which does not exist`,
    );
  }
  const prerequisites = readPrerequisiteSettings(env, problems);
  if (problems.length > 0) {
    throw new AgentConfigError(`cannot start:\n  - ${problems.join('\n  - ')}`);
  }
  return { controlPlaneUrl, clusterName, token, kubeconfigPath, prerequisites };
}
