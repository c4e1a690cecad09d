/**
 * `yarn bench:tunnel`: Kubernetes API latency and throughput straight to a
 * simulated API server and through the GPU Fleet proxy and agent tunnel.
 */
import { runTunnelBench, Teardown } from './runTunnelBench';
import { readTunnelSettings } from './tunnelSettings';

async function main() {
  const settings = readTunnelSettings(process.argv.slice(2), process.env);
  const teardown = new Teardown();
  process.once('SIGINT', () => {
    teardown.run().finally(() => process.exit(130));
  });
  try {
    const results = await runTunnelBench(settings, teardown, line =>
      process.stdout.write(`${line}\n`),
    );
    const failed = results.cells.filter(c => c.errors > 0);
    if (failed.length > 0) {
      const [first] = failed;
      throw new Error(
        `${failed.length} cells had failed requests, e.g. ${first.request} ${first.path} c=${first.concurrency}: ${first.firstError}`,
      );
    }
  } finally {
    await teardown.run();
  }
}

main().then(
  // Everything this run started is stopped by now; what the stopped backend
  // leaves armed (its SQLite pool's reaper, the proxy's per-request 60 s
  // timers) would keep Node alive for nothing.
  () => process.exit(0),
  error => {
    process.stderr.write(`bench:tunnel failed: ${(error as Error).stack}\n`);
    process.exit(1);
  },
);
