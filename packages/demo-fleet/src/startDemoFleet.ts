import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  RunningSimulator,
  startSimulator,
  writeKubeconfig,
} from '@gpu-fleet/k8s-simulator';
import { AGENT_BIN, agentConnectUrl, SCENARIO_DIR } from './agentProcess';
import { DemoCluster, DEMO_CLUSTERS } from './demoClusters';
import { RegistryApi } from './registryApi';

export interface DemoFleetOptions {
  /** The portal's backend, e.g. http://localhost:7007. */
  baseUrl: string;
  /** A Backstage token allowed to attach clusters and rotate tokens. */
  apiToken: string;
  /** Kubeconfigs and agent logs go to `<dataDir>/demo`. */
  dataDir: string;
  clusters?: DemoCluster[];
  /** Port 0 gives each simulator a free port instead of its fixed one. */
  anyPort?: boolean;
}

export interface RunningDemoCluster {
  cluster: DemoCluster;
  simulator: RunningSimulator;
  kubeconfig: string;
  agentLog: string;
  agent: ChildProcess;
}

export interface DemoFleet {
  clusters: RunningDemoCluster[];
  /** Resolves once every cluster's agent has connected, as the registry sees it. */
  waitUntilConnected(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Simulated clusters attached the way a platform engineer would: through the
 * registry API, with a real agent process per cluster dialling in. A cluster
 * already attached by an earlier run gets a fresh token (tokens are shown
 * once and never kept on disk).
 */
export async function startDemoFleet(
  options: DemoFleetOptions,
): Promise<DemoFleet> {
  const api = new RegistryApi(options.baseUrl, options.apiToken);
  const demoDir = path.join(options.dataDir, 'demo');
  fs.mkdirSync(demoDir, { recursive: true });
  const running: RunningDemoCluster[] = [];

  const stop = async () => {
    await Promise.all(
      running.map(async r => {
        if (r.agent.exitCode === null && r.agent.signalCode === null) {
          const exited = new Promise(resolve => r.agent.once('exit', resolve));
          r.agent.kill('SIGTERM');
          await exited;
        }
        await r.simulator.close();
      }),
    );
  };

  try {
    for (const cluster of options.clusters ?? DEMO_CLUSTERS) {
      const simulator = await startSimulator({
        scenario: path.join(SCENARIO_DIR, cluster.scenario),
        port: options.anyPort ? 0 : cluster.port,
      });
      const kubeconfig = path.join(demoDir, `${cluster.name}.kubeconfig`);
      writeKubeconfig(simulator.url, kubeconfig, cluster.name);

      // The registry records the add-ons whose CRDs the simulated cluster serves.
      const addons = simulator.scenario?.addons;
      const existing = await api.getCluster(cluster.name);
      if (
        existing &&
        addons &&
        [...existing.addons].sort().join() !== [...addons].sort().join()
      ) {
        await api.setAddons(cluster.name, addons);
      }
      const token = existing
        ? await api.rotateToken(cluster.name)
        : await api.attach(cluster, addons);

      const agentLog = path.join(demoDir, `${cluster.name}.agent.log`);
      const log = fs.openSync(agentLog, 'a');
      const agent = spawn(process.execPath, [AGENT_BIN], {
        env: {
          ...process.env,
          GPU_FLEET_CONTROL_PLANE_URL: agentConnectUrl(options.baseUrl),
          GPU_FLEET_CLUSTER_NAME: cluster.name,
          GPU_FLEET_TOKEN: token,
          KUBECONFIG: kubeconfig,
        },
        stdio: ['ignore', log, log],
      });
      fs.closeSync(log);
      running.push({ cluster, simulator, kubeconfig, agentLog, agent });
    }
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    clusters: running,
    async waitUntilConnected(timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (const r of running) {
        for (;;) {
          const cluster = await api.getCluster(r.cluster.name);
          if (cluster?.status === 'connected') break;
          if (r.agent.exitCode !== null) {
            throw new Error(
              `the agent for ${r.cluster.name} exited with ${r.agent.exitCode}; see ${r.agentLog}`,
            );
          }
          if (Date.now() > deadline) {
            throw new Error(
              `${r.cluster.name} did not connect within ${timeoutMs} ms (status ${cluster?.status}); see ${r.agentLog}`,
            );
          }
          await new Promise(resolve => setTimeout(resolve, 500));
        }
      }
    },
    stop,
  };
}
