/** Starting and stopping a simulated Kubernetes API server. */

import { AddressInfo } from 'node:net';
import { AccessRights, AgentRights } from './AccessRights';
import { ClusterState } from './ClusterState';
import { ArgoCdOptions } from './controllers/ArgoApplicationController';
import { startControllers } from './controllers/startControllers';
import { DEFAULT_KUBERNETES_VERSION } from './discovery';
import { PodLogs } from './podLogs';
import { DEFAULT_MAX_BODY_BYTES } from './requestBody';
import { ResourceQuotaController } from './ResourceQuotaController';
import { applyScenario, loadScenario, Scenario } from './scenario';
import { createApiServer } from './server';
import { WatchHub } from './WatchHub';

/** @public */
export interface SimulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Defaults to 127.0.0.1. */
  host?: string;
  /** A scenario, or the path of a scenario YAML file. */
  scenario?: Scenario | string;
  /** Overrides the scenario's version for /version (default v1.30.6). */
  kubernetesVersion?: string;
  /** Watch events kept for resuming watches; older resourceVersions get 410 (default 10000). */
  watchHistorySize?: number;
  /** Bytes a slow watcher may have queued before it is disconnected (default 16 MiB). */
  watchBufferLimitBytes?: number;
  /** Interval of BOOKMARK events for watches that allow them (default 30s). */
  bookmarkIntervalMs?: number;
  /** Log lines kept per container (default 10000). */
  maxLogLinesPerContainer?: number;
  /**
   * The caller's rights: 'full' (the default), or 'read-only' for an agent
   * installed without workspace rights. Overrides the scenario's agentRights.
   */
  agentRights?: AgentRights;
  /**
   * Run the scheduler, kubelets, deployment/ReplicaSet/MPIJob/Argo CD
   * Application controllers and garbage collector (default true). Off, objects only change when a client
   * changes them.
   */
  controllers?: boolean;
  /** How long a kubelet takes from binding to Running (default 1500 ms). */
  kubeletStartDelayMs?: number;
  /** Retry, polling and self-heal timing of the Argo CD application controller (Argo CD's defaults). */
  argoCd?: ArgoCdOptions;
}

/** @public */
export interface RunningSimulator {
  /** Base URL, e.g. http://127.0.0.1:41234. */
  url: string;
  port: number;
  host: string;
  /** The cluster's objects, with the same semantics the HTTP API has. */
  store: ClusterState;
  scenario?: Scenario;
  /** Number of watch streams currently open (slow watchers that were cut off are gone). */
  activeWatchCount(): number;
  /** Appends a line to a container's log (container may be omitted for single-container pods). */
  appendPodLog(
    namespace: string,
    pod: string,
    container: string | undefined,
    line: string,
  ): void;
  /** The caller's rights now. */
  agentRights(): AgentRights;
  /** Changes the caller's rights from the next request on, as upgrading the agent's chart would. */
  setAgentRights(rights: AgentRights): void;
  /** Stops the server, ending open watches and log streams. */
  close(): Promise<void>;
}

/** @public */
export async function startSimulator(
  options: SimulatorOptions = {},
): Promise<RunningSimulator> {
  const scenario =
    typeof options.scenario === 'string'
      ? loadScenario(options.scenario)
      : options.scenario;
  const state = new ClusterState({ historySize: options.watchHistorySize });
  // Before the scenario's objects, so its quotas count its pods and its pending pods get scheduled.
  const quotas = new ResourceQuotaController(state);
  const controllers =
    options.controllers === false
      ? undefined
      : startControllers(state, {
          kubeletStartDelayMs: options.kubeletStartDelayMs,
          argoCd: options.argoCd,
        });
  const rights = new AccessRights(
    options.agentRights ?? scenario?.agentRights ?? 'full',
    { argoCd: scenario?.addons?.includes('argocd') ?? false },
  );
  const logs = new PodLogs(state.store, {
    maxLinesPerContainer: options.maxLogLinesPerContainer,
  });
  const watches = new WatchHub(state.store, {
    bufferLimitBytes: options.watchBufferLimitBytes,
    bookmarkIntervalMs: options.bookmarkIntervalMs,
  });
  const appendPodLog = (
    namespace: string,
    pod: string,
    container: string | undefined,
    line: string,
  ) => {
    logs.append(state.getObject('v1', 'Pod', pod, namespace), container, line);
  };
  if (scenario) {
    applyScenario(state, scenario, appendPodLog);
  }
  const server = createApiServer({
    state,
    watches,
    logs,
    maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
    rights,
    kubernetesVersion:
      options.kubernetesVersion ??
      scenario?.kubernetesVersion ??
      DEFAULT_KUBERNETES_VERSION,
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    host,
    store: state,
    scenario,
    appendPodLog,
    activeWatchCount: () => watches.activeWatchers,
    agentRights: () => rights.rights,
    setAgentRights: value => rights.set(value),
    close() {
      closing ??= new Promise<void>(resolve => {
        watches.closeAll();
        quotas.stop();
        controllers?.stop();
        logs.close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
