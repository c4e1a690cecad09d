/** Command line entry: starts a simulator, prints its URL, runs until interrupted. */

import { AGENT_RIGHTS, isAgentRights } from './AccessRights';
import { writeKubeconfig } from './kubeconfig';
import { startSimulator } from './startSimulator';

const USAGE = `Usage: k8s-simulator [--scenario file.yaml] [--port 0] [--host 127.0.0.1] [--kubeconfig path] [--cluster-name name] [--agent-rights full|read-only] [--controllers on|off] [--kubelet-start-delay-ms 1500]

Starts a Kubernetes API server simulator (for demos and tests, not a real
Kubernetes) and prints its URL on stdout. --agent-rights read-only answers
like a cluster whose GPU Fleet agent was installed without workspace rights.
--controllers off stops the scheduler, kubelets and controllers from running.`;

function parseArgs(argv: string[]): Record<string, string> {
  const args: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      args.help = 'true';
      continue;
    }
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m) {
      throw new Error(`Unexpected argument ${arg}`);
    }
    const value = m[2] ?? argv[++i];
    if (value === undefined) {
      throw new Error(`--${m[1]} needs a value`);
    }
    args[m[1]] = value;
  }
  return args;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const port = args.port !== undefined ? Number(args.port) : 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be 0-65535, got ${args.port}`);
  }
  const agentRights = args['agent-rights'];
  if (agentRights !== undefined && !isAgentRights(agentRights)) {
    throw new Error(
      `--agent-rights must be one of ${AGENT_RIGHTS.join(
        ', ',
      )}, got ${agentRights}`,
    );
  }
  const controllers = args.controllers ?? 'on';
  if (controllers !== 'on' && controllers !== 'off') {
    throw new Error(`--controllers must be on or off, got ${controllers}`);
  }
  const startDelay = args['kubelet-start-delay-ms'];
  const kubeletStartDelayMs =
    startDelay !== undefined ? Number(startDelay) : undefined;
  if (
    kubeletStartDelayMs !== undefined &&
    !(Number.isInteger(kubeletStartDelayMs) && kubeletStartDelayMs >= 0)
  ) {
    throw new Error(
      `--kubelet-start-delay-ms must be a whole number of milliseconds, got ${startDelay}`,
    );
  }
  const simulator = await startSimulator({
    port,
    host: args.host,
    scenario: args.scenario,
    agentRights,
    controllers: controllers === 'on',
    kubeletStartDelayMs,
  });
  process.stdout.write(`${simulator.url}\n`);
  const clusterName =
    args['cluster-name'] ?? simulator.scenario?.name ?? 'k8s-simulator';
  if (args.kubeconfig) {
    writeKubeconfig(simulator.url, args.kubeconfig, clusterName);
    process.stderr.write(
      `kubeconfig for ${clusterName} written to ${args.kubeconfig}\n`,
    );
  }
  const stop = () => {
    simulator.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch(error => {
  process.stderr.write(
    `${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`,
  );
  process.exit(1);
});
