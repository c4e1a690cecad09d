/** GPU Fleet agent: dials the control plane and carries its Kubernetes API requests. */
import { AgentConfigError, readAgentConfig } from './agentConfig';
import { AgentConnection } from './AgentConnection';
import { KubeApiForwarder } from './KubeApiForwarder';

export { readAgentConfig, AgentConfigError } from './agentConfig';
export { AgentConnection } from './AgentConnection';
export { KubeApiForwarder } from './KubeApiForwarder';

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
  const connection = new AgentConnection(
    config,
    KubeApiForwarder.fromEnvironment(config.kubeconfigPath),
    {
      agentVersion: process.env.GPU_FLEET_AGENT_VERSION ?? '0.1.0',
      logger: { info: log('info'), warn: log('warn') },
    },
  );
  connection.start();
  const stop = () => {
    connection.stop();
    setTimeout(() => process.exit(0), 500).unref();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
