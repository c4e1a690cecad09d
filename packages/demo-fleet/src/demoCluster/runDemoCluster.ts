import path from 'node:path';
import {
  formatGpuShapes,
  getProviderProfile,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { DEMO_CLUSTER_USAGE, parseDemoClusterArgs } from './demoClusterArgs';
import { startDemoCluster, StartedDemoCluster } from './startDemoCluster';

export interface DemoClusterIo {
  out(line: string): void;
  err(line: string): void;
  /** The kubeconfig goes to `<dataDir>/demo/`. */
  dataDir: string;
}

const PREFIX = 'yarn demo:cluster:';

function resolvedWhen(signal: AbortSignal): Promise<'stop'> {
  return new Promise(resolve => {
    if (signal.aborted) resolve('stop');
    else
      signal.addEventListener('abort', () => resolve('stop'), { once: true });
  });
}

/**
 * `yarn demo:cluster`: starts the simulated cluster and its agent, says what
 * it is doing, and runs until `stop` is aborted (Ctrl-C) or the agent ends.
 * Resolves with the exit code: 0 after a requested stop, 1 when the cluster
 * could not run or connect, 2 for bad options.
 */
export async function runDemoCluster(
  argv: string[],
  io: DemoClusterIo,
  stop: AbortSignal,
): Promise<number> {
  const parsed = parseDemoClusterArgs(argv);
  if (parsed.kind === 'help') {
    io.out(DEMO_CLUSTER_USAGE);
    return 0;
  }
  if (parsed.kind === 'invalid') {
    for (const problem of parsed.problems) io.err(`${PREFIX} ${problem}`);
    io.err('');
    io.err(DEMO_CLUSTER_USAGE);
    return 2;
  }
  const { spec, token, portalUrl } = parsed.args;
  const gpus = spec.gpuShapes.reduce(
    (sum, s) => sum + s.gpusPerNode * spec.nodesPerShape,
    0,
  );
  io.out(
    `Simulating ${spec.name}: ${getProviderProfile(spec.provider).title}, ${
      spec.nodesPerShape
    } nodes of each of ${formatGpuShapes(spec.gpuShapes)}`,
  );

  let cluster: StartedDemoCluster;
  let hinted = false;
  try {
    cluster = await startDemoCluster({
      spec,
      token,
      portalUrl,
      dataDir: io.dataDir,
      onAgentLine: line => {
        io.out(`  agent │ ${line}`);
        if (!hinted && / warn connection error: /.test(line)) {
          hinted = true;
          io.out(
            `  … the agent keeps dialling: is the portal running at ${portalUrl}?`,
          );
        }
      },
    });
  } catch (error) {
    io.err(`${PREFIX} ${(error as Error).message}`);
    return 1;
  }
  const nodes = cluster.simulator.store.listObjects('v1', 'Node').length;
  io.out(
    `  ✔ simulated Kubernetes API at ${cluster.simulator.url}: ${nodes} nodes, ${gpus} GPUs`,
  );
  const relative = path.relative(process.cwd(), cluster.kubeconfig);
  io.out(
    `  ✔ kubeconfig for kubectl: ${
      relative.startsWith('..') ? cluster.kubeconfig : relative
    }`,
  );
  io.out(`  … agent connecting to ${cluster.agentUrl} as ${spec.name}`);

  const stopped = resolvedWhen(stop);
  let code = 0;
  try {
    const first = await Promise.race([
      cluster.connected.then(() => 'connected' as const),
      stopped,
    ]);
    if (first === 'connected') {
      io.out(
        `  ✔ connected: watch ${spec.name} at ${portalUrl}/gpu-fleet/clusters/${spec.name} (prerequisites, then its GPUs on the capacity page)`,
      );
      io.out('  Ctrl-C stops the agent and the simulated cluster.');
      const end = await Promise.race([
        stopped,
        cluster.exited.then(exitCode => ({ exitCode })),
      ]);
      // The terminal's Ctrl-C reaches the agent too: its own exit then is a stop.
      if (end !== 'stop' && !stop.aborted) {
        io.err(`${PREFIX} the agent exited with code ${end.exitCode}`);
        code = 1;
      }
    }
  } catch (error) {
    if (!stop.aborted) {
      io.err(`${PREFIX} ${(error as Error).message}`);
      code = 1;
    }
  }
  io.out('  … stopping the agent and the simulated cluster');
  await cluster.stop();
  io.out('  ✔ stopped');
  return code;
}
