/** GPU Fleet benchmarks; each prints figures and writes them under .data/bench. */
export { runTunnelBench, Teardown } from './runTunnelBench';
export { runDeployBench, DEPLOY_BENCH } from './runDeployBench';
export { readTunnelSettings, DEFAULT_TUNNEL_SETTINGS } from './tunnelSettings';
export type { TunnelSettings } from './tunnelSettings';
