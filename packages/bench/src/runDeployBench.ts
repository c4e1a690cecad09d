import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_KUBELET_START_DELAY_MS } from '@gpu-fleet/k8s-simulator';
import {
  burstTable,
  ClusterBurst,
  clusterTable,
  PlacedTiming,
  singleTable,
  summaryTable,
} from './deployReport';
import { FleetApiClient } from './FleetApiClient';
import { gitopsRepoFigures } from './gitopsRepoFigures';
import { ownMemory, processMemory } from './processMemory';
import type { Teardown } from './runTunnelBench';
import { BENCH_USER, startBenchBackend } from './startBenchBackend';
import { FleetCluster, freeGpus, startDeployFleet } from './startDeployFleet';
import {
  removeDeployment,
  timeDeploymentBurst,
  timeOneDeployment,
  vllmManifest,
} from './timeDeployments';
import { MemoryRow, memoryTable } from './tunnelReport';

/** What one run does; fixed, so runs compare. */
export const DEPLOY_BENCH = {
  singleRuns: 5,
  perCluster: 25,
  pollMs: 50,
  /** The burst ends this long after the last deployment started running, once all are applied. */
  settleMs: 10_000,
  out: '.data/bench/deploy.json',
} as const;

const BRANCH = 'main';

function memoryRows(
  clusters: FleetCluster[],
  before: ReturnType<typeof memoryNow>,
  after: ReturnType<typeof memoryNow>,
): MemoryRow[] {
  return [
    {
      process: 'backend (this process)',
      pid: process.pid,
      before: before.backend,
      after: after.backend,
    },
    ...clusters.flatMap((c, i) => [
      {
        process: `agent ${c.name}`,
        pid: c.agent.pid!,
        before: before.agents[i],
        after: after.agents[i],
      },
      {
        process: `simulator ${c.name}`,
        pid: c.simulator.pid,
        before: before.simulators[i],
        after: after.simulators[i],
      },
    ]),
  ];
}

function memoryNow(clusters: FleetCluster[]) {
  return {
    backend: ownMemory(),
    agents: clusters.map(c => processMemory(c.agent.pid!)),
    simulators: clusters.map(c => processMemory(c.simulator.pid)),
  };
}

/**
 * Deployments end to end: the bench user's POST renders the manifest,
 * commits it to a fresh GitOps repository and applies it through the agent
 * tunnel; the agent then reports the pods the simulator's kubelets start.
 * First one deployment at a time, then a burst across the four demo clusters.
 */
export async function runDeployBench(
  teardown: Teardown,
  print: (line: string) => void,
) {
  const outFile = path.resolve(DEPLOY_BENCH.out);
  const dataDir = path.dirname(outFile);
  fs.mkdirSync(dataDir, { recursive: true });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gpu-fleet-bench-deploy-'));
  teardown.add(async () => fs.rmSync(dir, { recursive: true, force: true }));
  const gitUrl = path.join(dir, 'gitops.git');

  const setupStarted = Date.now();
  const backend = await startBenchBackend({
    gpuFleet: {
      gitops: {
        url: gitUrl,
        branch: BRANCH,
        workingDirectory: path.join(dir, 'gitops-clone'),
      },
    },
  });
  teardown.add(() => backend.backend.stop());
  const logDir = path.join(dataDir, 'deploy-agents');
  const fleet = await startDeployFleet({
    baseUrl: backend.baseUrl,
    apiToken: backend.apiToken,
    dir,
    logDir,
    teardown,
  });
  const api = new FleetApiClient(backend.baseUrl);
  // Nothing else runs yet, so this is what the burst finds free.
  const free = await Promise.all(
    fleet.map(c => freeGpus(api, backend.apiToken, c)),
  );
  print(
    `Set up in ${((Date.now() - setupStarted) / 1000).toFixed(1)} s: backend ${
      backend.baseUrl
    } (pid ${
      process.pid
    }, SQLite in memory, permission framework on), GitOps bare repository ${gitUrl}, ${
      os.cpus().length
    } CPUs, Node ${process.version}.`,
  );
  for (const [i, c] of fleet.entries()) {
    print(
      `  ${c.name}: simulator pid ${
        c.simulator.pid
      } (kubelet start delay ${DEFAULT_KUBELET_START_DELAY_MS} ms), agent pid ${
        c.agent.pid
      }, workspace ${c.workspace}, ${free[i].free} free ${c.gpuType} GPUs${
        free[i].freeOnSpot
          ? ` (and ${free[i].freeOnSpot} on spot nodes, which on-demand deployments do not use)`
          : ''
      }`,
    );
  }
  print(
    `Deploying as ${BENCH_USER} (Backstage token from guest sign-in): a deployer in each workspace, no fleet admin.`,
  );

  const token = backend.userToken;
  const target = fleet[0];
  print(
    `\nOne deployment at a time on ${target.name}, ${DEPLOY_BENCH.singleRuns} runs (read every ${DEPLOY_BENCH.pollMs} ms; each deleted before the next):`,
  );
  const single: PlacedTiming[] = [];
  for (let i = 1; i <= DEPLOY_BENCH.singleRuns; i++) {
    const timing = await timeOneDeployment(
      api,
      token,
      vllmManifest(`vllm-single-${i}`, target.workspace, target.gpuType),
      { pollMs: DEPLOY_BENCH.pollMs, timeoutMs: 60_000 },
    );
    single.push({ ...timing, cluster: target.name });
    print(
      `  ${timing.name}: 201 applied after ${timing.appliedMs?.toFixed(
        0,
      )} ms, Running after ${timing.runningMs?.toFixed(0)} ms`,
    );
    await removeDeployment(api, token, timing, 60_000);
  }

  const n = DEPLOY_BENCH.perCluster * fleet.length;
  print(
    `\n${n} deployments at once, ${DEPLOY_BENCH.perCluster} per cluster, 1 GPU each (the deployment list read every ${DEPLOY_BENCH.pollMs} ms):`,
  );
  const manifests = [];
  for (let i = 1; i <= DEPLOY_BENCH.perCluster; i++) {
    for (const c of fleet) {
      const name = `vllm-burst-${String(i).padStart(2, '0')}`;
      manifests.push(vllmManifest(name, c.workspace, c.gpuType));
    }
  }
  const commitsBefore = gitopsRepoFigures(gitUrl, BRANCH).commits;
  const before = memoryNow(fleet);
  const burst = await timeDeploymentBurst(api, token, manifests, {
    pollMs: DEPLOY_BENCH.pollMs,
    settleMs: DEPLOY_BENCH.settleMs,
    timeoutMs: 240_000,
  });
  const after = memoryNow(fleet);
  const repo = gitopsRepoFigures(gitUrl, BRANCH);
  const clusters: ClusterBurst[] = fleet.map((c, i) => ({
    cluster: c.name,
    gpuType: c.gpuType,
    freeGpus: free[i].free,
    timings: burst.timings.filter(t => t.workspace === c.workspace),
  }));
  const running = burst.timings.filter(t => t.runningMs !== undefined).length;
  print(
    `  all ${n} POSTs answered after ${(burst.answeredMs / 1000).toFixed(
      1,
    )} s; ${running} Running, the last after ${(
      (burst.lastRunningMs ?? NaN) / 1000
    ).toFixed(1)} s${
      burst.allRunning
        ? ''
        : `; the rest waited ${
            DEPLOY_BENCH.settleMs / 1000
          } s more without starting (no free GPU)`
    }`,
  );

  const answeredStates = new Map<string, number>();
  for (const t of burst.timings) {
    const state = t.answeredState ?? `HTTP ${t.status ?? 'error'}`;
    answeredStates.set(state, (answeredStates.get(state) ?? 0) + 1);
  }
  print(
    `  delivery state in the POST answers: ${[...answeredStates.entries()]
      .map(([state, count]) => `${state} ${count}`)
      .join(
        ', ',
      )} (the backend answers with where a delivery got once it has waited 20 s for it)`,
  );

  const memory = memoryRows(fleet, before, after);
  const gitops = {
    ...repo,
    burstCommits: repo.commits - commitsBefore,
  };
  print('');
  singleTable(single).forEach(line => print(line));
  print('');
  clusterTable(clusters).forEach(line => print(line));
  print('');
  burstTable(burst.timings).forEach(line => print(line));
  print('');
  memoryTable(memory).forEach(line => print(line));
  print('');
  summaryTable({
    single,
    burst: { ...burst, freeGpus: free.reduce((a, b) => a + b.free, 0) },
    backend: { before: before.backend, after: after.backend },
    gitops,
  }).forEach(line => print(line));

  const results = {
    benchmark: 'deploy',
    finishedAt: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    settings: {
      ...DEPLOY_BENCH,
      kubeletStartDelayMs: DEFAULT_KUBELET_START_DELAY_MS,
    },
    auth: `${BENCH_USER}'s Backstage token (guest sign-in): a deployer in each bench workspace, no fleet admin; GPU Fleet's default policy`,
    clusters: fleet.map((c, i) => ({
      name: c.name,
      workspace: c.workspace,
      gpuType: c.gpuType,
      ...free[i],
    })),
    single,
    burst,
    memory,
    gitops,
  };
  fs.writeFileSync(outFile, `${JSON.stringify(results, null, 2)}\n`);
  print(`\nResults written to ${path.relative(process.cwd(), outFile)}`);
  return results;
}
