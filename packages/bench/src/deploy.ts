/**
 * `yarn bench:deploy`: how long a deployment takes from its POST to applied
 * and to Running, one at a time and 100 at once across the demo clusters.
 */
import { runDeployBench } from './runDeployBench';
import { Teardown } from './runTunnelBench';

async function main() {
  const teardown = new Teardown();
  process.once('SIGINT', () => {
    teardown.run().finally(() => process.exit(130));
  });
  try {
    const results = await runDeployBench(teardown, line =>
      process.stdout.write(`${line}\n`),
    );
    const refused = results.burst.timings.filter(t => t.status !== 201);
    const undelivered = results.burst.timings.filter(
      t => t.status === 201 && t.appliedMs === undefined,
    );
    if (refused.length || undelivered.length) {
      const [first] = [...refused, ...undelivered];
      throw new Error(
        `${refused.length} deployments were refused and ${
          undelivered.length
        } never applied, e.g. ${first.workspace}/${first.name}: ${
          first.error ?? `phase ${first.phase}`
        }`,
      );
    }
  } finally {
    await teardown.run();
  }
}

main().then(
  // As in bench:tunnel: the stopped backend leaves timers that would keep Node alive.
  () => process.exit(0),
  error => {
    process.stderr.write(`bench:deploy failed: ${(error as Error).stack}\n`);
    process.exit(1);
  },
);
