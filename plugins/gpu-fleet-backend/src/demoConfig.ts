import { Config } from '@backstage/config';

export interface DemoConfig {
  /**
   * Set when the attach response offers `yarn demo:cluster`; the portal
   * address is where the simulated cluster's agent dials.
   */
  clusterCommand?: { portalUrl: string };
}

/** Reads gpuFleet.demo once; see config.d.ts. */
export function readDemoConfig(config: Config): DemoConfig {
  if (!config.getOptionalBoolean('gpuFleet.demo.clusterCommand')) return {};
  return {
    clusterCommand: {
      portalUrl: config.getString('backend.baseUrl').replace(/\/+$/, ''),
    },
  };
}
