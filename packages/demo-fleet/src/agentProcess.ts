import path from 'node:path';

/** The agent's entry point, the one its container image runs. */
export const AGENT_BIN = require.resolve(
  '@gpu-fleet/agent/bin/gpu-fleet-agent',
);

/** The simulator's scenario files. */
export const SCENARIO_DIR = path.join(
  path.dirname(require.resolve('@gpu-fleet/k8s-simulator/package.json')),
  'scenarios',
);

/** Where an agent dials the portal whose backend is at baseUrl. */
export function agentConnectUrl(baseUrl: string): string {
  const url = new URL('/api/gpu-fleet/agent/connect', baseUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}
