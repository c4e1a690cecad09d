/** Runs in its own process: the simulated API server the benchmark reads from. */
import path from 'node:path';
import { RunningSimulator, startSimulator } from '@gpu-fleet/k8s-simulator';
import {
  benchConfigMap,
  GET_NAME,
  GET_NAMESPACE,
  LIST_NAMESPACE,
} from './benchConfigMaps';
import { answerParent } from './forkedChild';
import {
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
} from '@gpu-fleet/plugin-gpu-fleet-common';

const scenario = path.join(
  path.dirname(require.resolve('@gpu-fleet/k8s-simulator/package.json')),
  'scenarios/eks-p5.yaml',
);

let simulator: RunningSimulator | undefined;

answerParent(async (message: { listObjects: number }) => {
  simulator = await startSimulator({ scenario });
  const { store } = simulator;
  for (const name of [GET_NAMESPACE, LIST_NAMESPACE]) {
    // As GPU Fleet left them: the bench makes them workspaces, which adopts
    // only namespaces carrying its label.
    store.createObject({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name,
        labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE },
      },
    });
  }
  store.createObject(benchConfigMap(GET_NAME, GET_NAMESPACE, 2048));
  for (let i = 0; i < message.listObjects; i++) {
    const name = `settings-${String(i).padStart(5, '0')}`;
    store.createObject(benchConfigMap(name, LIST_NAMESPACE, 2048));
  }
  return { url: simulator.url };
});

process.once('SIGTERM', () => {
  (simulator?.close() ?? Promise.resolve()).finally(() => process.exit(0));
});
