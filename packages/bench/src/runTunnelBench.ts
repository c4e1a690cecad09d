import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeKubeconfig } from '@gpu-fleet/k8s-simulator';
import { GET_NAME, GET_NAMESPACE, LIST_NAMESPACE } from './benchConfigMaps';
import { ForkedChild, stopChild } from './forkedChild';
import { summarizeLatencies } from './latencySummary';
import type { CellRequest, CellRun } from './loadChild';
import { ownMemory, processMemory } from './processMemory';
import { startAgentProcess, waitUntilConnected } from './startAgentProcess';
import { BENCH_USER, startBenchBackend } from './startBenchBackend';
import {
  CellResult,
  latencyTable,
  MemoryRow,
  memoryTable,
  RequestKind,
  RequestPath,
} from './tunnelReport';
import { TunnelSettings } from './tunnelSettings';

const CLUSTER = 'bench-eks';
const REQUEST_TIMEOUT_MS = 30_000;
const PATHS: Record<RequestKind, string> = {
  'GET-2KB': `/api/v1/namespaces/${GET_NAMESPACE}/configmaps/${GET_NAME}`,
  'LIST-5MB': `/api/v1/namespaces/${LIST_NAMESPACE}/configmaps`,
};
const KINDS = Object.keys(PATHS) as RequestKind[];

/** Undone in reverse order, on success, failure or Ctrl-C alike. */
export class Teardown {
  private readonly steps: Array<() => Promise<void>> = [];

  add(step: () => Promise<void>) {
    this.steps.push(step);
  }

  async run() {
    for (const step of this.steps.splice(0).reverse()) {
      await step().catch(error =>
        process.stderr.write(`teardown: ${(error as Error).message}\n`),
      );
    }
  }
}

async function bodyBytes(url: string, headers: Record<string, string>) {
  // Uncompressed, as the load client reads it: the sizes are the API's own bytes.
  const response = await fetch(url, {
    headers: { ...headers, 'accept-encoding': 'identity' },
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const body = await response.arrayBuffer();
  if (!response.ok) {
    const text = Buffer.from(body).toString().slice(0, 300);
    throw new Error(`GET ${url} answered ${response.status}: ${text}`);
  }
  return body.byteLength;
}

/** A cluster attached through the registry API, with a real agent process connected to it. */
async function attachWithAgent(
  backend: { baseUrl: string; apiToken: string },
  kubeconfig: string,
  logFile: string,
  teardown: Teardown,
) {
  const attached = await fetch(`${backend.baseUrl}/api/gpu-fleet/clusters`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${backend.apiToken}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ name: CLUSTER, provider: 'eks' }),
  });
  if (attached.status !== 201) {
    throw new Error(
      `attaching ${CLUSTER} answered ${
        attached.status
      }: ${await attached.text()}`,
    );
  }
  const { token } = (await attached.json()) as { token: string };
  const agent = startAgentProcess({
    baseUrl: backend.baseUrl,
    clusterName: CLUSTER,
    token,
    kubeconfig,
    logFile,
  });
  teardown.add(() => stopChild(agent));
  await waitUntilConnected({
    ...backend,
    clusterName: CLUSTER,
    agent,
    logFile,
    timeoutMs: 30_000,
  });
  // The bench user deploys into the namespaces it reads, as an ML engineer would.
  for (const namespace of [GET_NAMESPACE, LIST_NAMESPACE]) {
    const created = await fetch(`${backend.baseUrl}/api/gpu-fleet/workspaces`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${backend.apiToken}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        name: namespace,
        cluster: CLUSTER,
        members: [{ ref: BENCH_USER, role: 'deployer' }],
      }),
    });
    if (created.status !== 201) {
      throw new Error(
        `workspace ${namespace} answered ${
          created.status
        }: ${await created.text()}`,
      );
    }
  }
  return agent;
}

/**
 * Kubernetes API requests straight to the simulated API server and through
 * the control plane's proxy, the agent tunnel and the agent, cell by cell.
 */
export async function runTunnelBench(
  settings: TunnelSettings,
  teardown: Teardown,
  print: (line: string) => void,
) {
  const outFile = path.resolve(settings.out);
  const dataDir = path.dirname(outFile);
  fs.mkdirSync(dataDir, { recursive: true });

  const simulator = ForkedChild.start(require.resolve('./simulatorChild'));
  teardown.add(() => simulator.stop());
  const { url: simulatorUrl } = await simulator.request<{ url: string }>({
    listObjects: settings.listObjects,
  });
  const kubeconfig = path.join(dataDir, 'tunnel.kubeconfig');
  writeKubeconfig(simulatorUrl, kubeconfig, CLUSTER);

  const load = ForkedChild.start(require.resolve('./loadChild'));
  teardown.add(() => load.stop());

  const backend = await startBenchBackend();
  teardown.add(() => backend.backend.stop());
  const agentLog = path.join(dataDir, 'tunnel-agent.log');
  const agent = await attachWithAgent(backend, kubeconfig, agentLog, teardown);

  // As a person's kubectl does: their Backstage token, checked per request.
  const auth = { authorization: `Bearer ${backend.userToken}` };
  const targets: Record<
    RequestPath,
    { url: string; headers: Record<string, string> }
  > = {
    direct: { url: simulatorUrl, headers: {} },
    proxy: {
      url: `${backend.baseUrl}/api/gpu-fleet/clusters/${CLUSTER}/proxy`,
      headers: auth,
    },
  };
  const sizes = {} as Record<RequestKind, number>;
  for (const kind of KINDS) {
    sizes[kind] = await bodyBytes(simulatorUrl + PATHS[kind], {});
    const proxied = await bodyBytes(targets.proxy.url + PATHS[kind], auth);
    if (proxied !== sizes[kind]) {
      throw new Error(
        `${kind} is ${sizes[kind]} bytes direct but ${proxied} through the proxy`,
      );
    }
  }
  const listMiB = (sizes['LIST-5MB'] / 1024 / 1024).toFixed(2);
  print(
    `GET-2KB: one ConfigMap, ${sizes['GET-2KB']} bytes. LIST-5MB: ${settings.listObjects} ConfigMaps, ${sizes['LIST-5MB']} bytes (${listMiB} MiB).`,
  );
  print(
    `Simulator ${simulatorUrl} (pid ${simulator.pid}); backend ${
      backend.baseUrl
    } (pid ${process.pid}); agent pid ${agent.pid}; ${
      os.cpus().length
    } CPUs; proxied as a signed-in user, permission framework on.`,
  );

  const memoryNow = () => ({
    backend: ownMemory(),
    agent: processMemory(agent.pid!),
    simulator: processMemory(simulator.pid),
  });
  const before = memoryNow();

  const cells: CellResult[] = [];
  for (const kind of KINDS) {
    const requests =
      kind === 'GET-2KB' ? settings.getRequests : settings.listRequests;
    for (const concurrency of settings.concurrency) {
      for (const via of Object.keys(targets) as RequestPath[]) {
        const run = await load.request<CellRun>({
          url: targets[via].url + PATHS[kind],
          headers: targets[via].headers,
          requests: Math.max(requests, concurrency),
          concurrency,
          expectBytes: sizes[kind],
          timeoutMs: REQUEST_TIMEOUT_MS,
        } satisfies CellRequest);
        const cell: CellResult = {
          request: kind,
          path: via,
          concurrency,
          ...summarizeLatencies(run),
          ...(run.firstError ? { firstError: run.firstError } : {}),
        };
        cells.push(cell);
        const failures = cell.errors
          ? `, ${cell.errors} failed (${cell.firstError})`
          : '';
        print(
          `  ${kind} ${via} c=${concurrency}: ${
            cell.requests
          } requests, p50 ${cell.p50Ms.toFixed(2)} ms, p99 ${cell.p99Ms.toFixed(
            2,
          )} ms, ${cell.requestsPerSecond.toFixed(1)} req/s${failures}`,
        );
      }
    }
  }

  const after = memoryNow();
  const memory: MemoryRow[] = [
    {
      process: 'backend (this process)',
      pid: process.pid,
      before: before.backend,
      after: after.backend,
    },
    {
      process: 'agent',
      pid: agent.pid!,
      before: before.agent,
      after: after.agent,
    },
    {
      process: 'simulator',
      pid: simulator.pid,
      before: before.simulator,
      after: after.simulator,
    },
  ];

  print('');
  latencyTable(cells).forEach(line => print(line));
  print('');
  memoryTable(memory).forEach(line => print(line));

  const results = {
    benchmark: 'tunnel',
    finishedAt: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    settings,
    auth: `${BENCH_USER}'s Backstage token (guest sign-in): a deployer in workspaces ${GET_NAMESPACE} and ${LIST_NAMESPACE}, no fleet admin; GPU Fleet's default policy`,
    sizes: {
      getBytes: sizes['GET-2KB'],
      listBytes: sizes['LIST-5MB'],
      listObjects: settings.listObjects,
    },
    cells,
    memory,
  };
  fs.writeFileSync(outFile, `${JSON.stringify(results, null, 2)}\n`);
  print(`\nResults written to ${path.relative(process.cwd(), outFile)}`);
  return results;
}
