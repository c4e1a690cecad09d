/** GPU Fleet agent: dials the control plane and carries its Kubernetes API requests. */
import { AgentConfigError, readAgentConfig } from './agentConfig';
import { AgentConnection } from './AgentConnection';
import { InventoryReporter } from './inventory/InventoryReporter';
import { KubeApiForwarder } from './KubeApiForwarder';
import { PrerequisiteChecker } from './prerequisites/PrerequisiteChecker';
import { DEFAULT_PREREQUISITE_SETTINGS } from './prerequisites/prerequisiteSettings';
import { DeploymentStatusReporter } from './status/DeploymentStatusReporter';

export { readAgentConfig, AgentConfigError } from './agentConfig';
export { AgentConnection } from './AgentConnection';
export { KubeApiForwarder } from './KubeApiForwarder';
export { PrerequisiteChecker } from './prerequisites/PrerequisiteChecker';
export { InventoryReporter } from './inventory/InventoryReporter';
export { DeploymentStatusReporter } from './status/DeploymentStatusReporter';

const log = (level: string) => (message: string) =>
  process.stdout.write(`${new Date().toISOString()} ${level} ${message}\n`);

export function main() {
  let config;
  try {
    config = readAgentConfig(process.env);
  } catch (error) {
    if (error instanceof AgentConfigError) {
      process.stderr.write(`gpu-fleet-agent: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const kube = KubeApiForwarder.fromEnvironment(config.kubeconfigPath);
  const settings = config.prerequisites ?? DEFAULT_PREREQUISITE_SETTINGS;
  const checker = new PrerequisiteChecker(kube, settings);
  const logger = { info: log('info'), warn: log('warn') };
  // Reports go out on whichever session is current; each starts with a snapshot.
  let session: AgentConnection | undefined = undefined;
  const inventory = new InventoryReporter(
    kube.kubeConfig,
    report => session?.sendReport('inventory', report),
    { logger },
  );
  const status = new DeploymentStatusReporter(
    kube.kubeConfig,
    report => session?.sendReport('status', report),
    { logger },
  );
  const connection = new AgentConnection(config, kube, {
    agentVersion: process.env.GPU_FLEET_AGENT_VERSION ?? '0.1.0',
    logger,
    onWelcome: () => {
      inventory.resnapshot();
      status.resnapshot();
    },
    prerequisites: {
      run: () => checker.run(),
      intervalMs: settings.intervalMs,
    },
  });
  session = connection;
  connection.start();
  inventory
    .start()
    .catch(error => logger.warn(`inventory: ${(error as Error).message}`));
  status
    .start()
    .catch(error => logger.warn(`status: ${(error as Error).message}`));
  const stop = () => {
    inventory.stop().catch(() => undefined);
    status.stop().catch(() => undefined);
    connection.stop();
    kube.close();
    setTimeout(() => process.exit(0), 500).unref();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
