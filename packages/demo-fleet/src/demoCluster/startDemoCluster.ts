import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import {
  RunningSimulator,
  startSimulator,
  writeKubeconfig,
} from '@gpu-fleet/k8s-simulator';
import { AGENT_BIN, agentConnectUrl } from '../agentProcess';
import { demoClusterScenario, DemoClusterSpec } from './demoClusterScenario';

export interface DemoClusterOptions {
  spec: DemoClusterSpec;
  /** The one-time token of the cluster attached under spec.name. */
  token: string;
  /** The portal's backend, e.g. http://localhost:7007. */
  portalUrl: string;
  /** The kubeconfig goes to `<dataDir>/demo/<name>.kubeconfig`. */
  dataDir: string;
  /** Each line the agent prints. */
  onAgentLine?(line: string): void;
}

export interface StartedDemoCluster {
  simulator: RunningSimulator;
  /** Points kubectl straight at the simulator. */
  kubeconfig: string;
  agentUrl: string;
  agent: ChildProcess;
  /**
   * Resolves when the agent says it is connected; rejects when the portal
   * refuses the token or the agent exits first.
   */
  connected: Promise<void>;
  /** Resolves with the agent's exit code once it has exited, for whatever reason. */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

// The agent's own log lines (packages/agent/src/AgentConnection.ts).
const CONNECTED = / info connected as /;
const REFUSED = / warn control plane refused the connection: HTTP (\d+)/;

/** Everything but the agent settings of the caller's environment, which would override these. */
function agentEnvironment(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !key.startsWith('GPU_FLEET_'),
    ),
  );
  return { ...env, ...extra };
}

/**
 * A simulated cluster built from the provider's scenario, and the agent
 * process its Helm chart would run, configured the way the chart configures
 * it: token in a file, the attached add-ons, the portal's agent endpoint.
 */
export async function startDemoCluster(
  options: DemoClusterOptions,
): Promise<StartedDemoCluster> {
  const { spec } = options;
  const scenario = demoClusterScenario(spec);
  const demoDir = path.join(options.dataDir, 'demo');
  fs.mkdirSync(demoDir, { recursive: true });
  const simulator = await startSimulator({ scenario });
  const kubeconfig = path.join(demoDir, `${spec.name}.kubeconfig`);
  writeKubeconfig(simulator.url, kubeconfig, spec.name);

  // The chart mounts the token as a file rather than putting it in the environment.
  const secretDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gpu-fleet-demo-'));
  const tokenFile = path.join(secretDir, 'token');
  fs.writeFileSync(tokenFile, options.token, { mode: 0o600 });

  const agentUrl = agentConnectUrl(options.portalUrl);
  const agent = spawn(process.execPath, [AGENT_BIN], {
    env: agentEnvironment({
      GPU_FLEET_CONTROL_PLANE_URL: agentUrl,
      GPU_FLEET_CLUSTER_NAME: spec.name,
      GPU_FLEET_TOKEN_FILE: tokenFile,
      GPU_FLEET_ADDONS: spec.addons.join(','),
      // The registries a simulated cluster would pull from say nothing about
      // this machine's network: the egress checks report 'unknown' instead.
      GPU_FLEET_PROBE_NETWORK: 'false',
      KUBECONFIG: kubeconfig,
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  const exited = new Promise<number | null>(resolve => {
    agent.once('exit', code => resolve(code));
    agent.once('error', () => resolve(null));
  });
  const connected = new Promise<void>((resolve, reject) => {
    const onLine = (line: string) => {
      options.onAgentLine?.(line);
      if (CONNECTED.test(line)) resolve();
      const refused = REFUSED.exec(line);
      if (refused) {
        reject(
          new Error(
            refused[1] === '401'
              ? `the portal refused the token for ${spec.name} (HTTP 401): use the token shown when ${spec.name} was attached or its token last rotated, with the same --name`
              : `the portal at ${options.portalUrl} refused the agent (HTTP ${refused[1]}): is --portal the portal's backend address?`,
          ),
        );
      }
    };
    readline.createInterface({ input: agent.stdout! }).on('line', onLine);
    readline.createInterface({ input: agent.stderr! }).on('line', onLine);
    exited.then(code =>
      reject(new Error(`the agent exited with code ${code} before connecting`)),
    );
  });
  // Callers that stop early need not wait on this.
  connected.catch(() => undefined);

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      if (agent.exitCode === null && agent.signalCode === null) {
        agent.kill('SIGTERM');
      }
      await exited;
      await simulator.close();
      fs.rmSync(secretDir, { recursive: true, force: true });
    })();
    return stopping;
  };

  return {
    simulator,
    kubeconfig,
    agentUrl,
    agent,
    connected,
    exited,
    stop,
  };
}
