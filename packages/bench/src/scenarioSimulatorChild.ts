/** Runs in its own process: one demo scenario's simulated cluster, its controllers making pods run. */
import path from 'node:path';
import { RunningSimulator, startSimulator } from '@gpu-fleet/k8s-simulator';
import { answerParent } from './forkedChild';

const scenarioDir = path.join(
  path.dirname(require.resolve('@gpu-fleet/k8s-simulator/package.json')),
  'scenarios',
);

let simulator: RunningSimulator | undefined;

answerParent(async (message: { scenario: string }) => {
  // The kubelet start delay stays at its default, the demo's.
  simulator = await startSimulator({
    scenario: path.join(scenarioDir, `${message.scenario}.yaml`),
  });
  return { url: simulator.url };
});

process.once('SIGTERM', () => {
  (simulator?.close() ?? Promise.resolve()).finally(() => process.exit(0));
});
