/** Demo fleet: simulated GPU clusters attached to a running portal, each with a real agent. */
import path from 'node:path';
import { DEMO_WORKSPACES } from './demoWorkspaces';
import { RegistryApi } from './registryApi';
import { startDemoFleet } from './startDemoFleet';
import { runDemoCluster } from './demoCluster/runDemoCluster';

export { startDemoFleet } from './startDemoFleet';
export type { DemoFleet, DemoFleetOptions } from './startDemoFleet';
export { DEMO_CLUSTERS } from './demoClusters';
export { DEMO_WORKSPACES } from './demoWorkspaces';
export type { DemoCluster } from './demoClusters';
export { runDemoCluster } from './demoCluster/runDemoCluster';
export { startDemoCluster } from './demoCluster/startDemoCluster';
export type {
  DemoClusterOptions,
  StartedDemoCluster,
} from './demoCluster/startDemoCluster';
export { demoClusterScenario } from './demoCluster/demoClusterScenario';
export type { DemoClusterSpec } from './demoCluster/demoClusterScenario';

export async function main() {
  const apiToken = process.env.GPU_FLEET_DEMO_API_TOKEN;
  if (!apiToken) {
    process.stderr.write(
      'gpu-fleet-demo-fleet: set GPU_FLEET_DEMO_API_TOKEN to a token the portal accepts (npm start sets one up)\n',
    );
    process.exit(2);
  }
  const baseUrl = process.env.GPU_FLEET_BASE_URL ?? 'http://localhost:7007';
  const dataDir = path.resolve(
    process.env.GPU_FLEET_DATA_DIR ?? path.join(process.cwd(), '.data'),
  );
  try {
    const fleet = await startDemoFleet({ baseUrl, apiToken, dataDir });
    const stop = () => fleet.stop().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    await fleet.waitUntilConnected();
    for (const { cluster, simulator, kubeconfig } of fleet.clusters) {
      process.stdout.write(
        `  ✔ ${cluster.name.padEnd(15)} ${cluster.provider.padEnd(
          10,
        )} connected; simulator ${simulator.url}, kubeconfig ${kubeconfig}\n`,
      );
    }
    const api = new RegistryApi(baseUrl, apiToken);
    for (const workspace of DEMO_WORKSPACES) {
      await api.ensureWorkspace(workspace);
      process.stdout.write(
        `  ✔ workspace ${workspace.name.padEnd(13)} on ${workspace.cluster}\n`,
      );
    }
  } catch (error) {
    process.stderr.write(`gpu-fleet-demo-fleet: ${(error as Error).message}\n`);
    process.exit(1);
  }
}

/** `yarn demo:cluster`: one simulated cluster for a token the attach wizard showed. */
export function demoClusterMain() {
  const stop = new AbortController();
  // A second Ctrl-C is not caught: it ends the command at once.
  process.once('SIGINT', () => stop.abort());
  process.once('SIGTERM', () => stop.abort());
  runDemoCluster(
    process.argv.slice(2),
    {
      out: line => process.stdout.write(`${line}\n`),
      err: line => process.stderr.write(`${line}\n`),
      dataDir: path.resolve(
        process.env.GPU_FLEET_DATA_DIR ?? path.join(process.cwd(), '.data'),
      ),
    },
    stop.signal,
  ).then(
    code => process.exit(code),
    error => {
      process.stderr.write(`yarn demo:cluster: ${(error as Error).stack}\n`);
      process.exit(1);
    },
  );
}
