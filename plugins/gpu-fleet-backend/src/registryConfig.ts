import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import { AgentInstallSettings } from './registry/ClusterRegistry';

export const DEFAULT_AGENT_CHART = 'gpu-fleet/gpu-fleet-agent';

export interface RegistryConfig {
  install: AgentInstallSettings;
  tokenLifetimeMs?: number;
}

/** Reads the registry's keys once; see config.d.ts. */
export function readRegistryConfig(config: Config): RegistryConfig {
  const backendBaseUrl = config
    .getString('backend.baseUrl')
    .replace(/\/+$/, '');
  // Agents dial out over a WebSocket to the plugin's agent endpoint.
  const defaultUrl = `${backendBaseUrl.replace(
    /^http/,
    'ws',
  )}/api/gpu-fleet/agent/connect`;
  const lifetimeKey = 'gpuFleet.clusterTokens.lifetime';
  return {
    install: {
      controlPlaneUrl:
        config.getOptionalString('gpuFleet.agent.controlPlaneUrl') ??
        defaultUrl,
      chart:
        config.getOptionalString('gpuFleet.agent.chart') ?? DEFAULT_AGENT_CHART,
      agentImage: config.getOptionalString('gpuFleet.agent.image'),
    },
    tokenLifetimeMs: config.has(lifetimeKey)
      ? durationToMilliseconds(
          readDurationFromConfig(config, { key: lifetimeKey }),
        )
      : undefined,
  };
}
