import type {
  DeploymentManifest,
  ObservedPod,
} from '@gpu-fleet/plugin-gpu-fleet-common';

// The init container that pulls weights from object storage, as the renderers name it.
const FETCH_CONTAINER = 'fetch-weights';

/**
 * The containers of one of the deployment's pods that have a log, main
 * container first, as the vLLM and MPIJob renderers name them.
 */
export function podContainers(
  manifest: DeploymentManifest,
  pod: Pick<ObservedPod, 'name' | 'role'>,
): string[] {
  const pulls = [manifest.storage, manifest.mpi?.checkpointStorage].some(
    s => s?.kind === 'object-storage',
  );
  if (manifest.template === 'vllm') {
    return manifest.storage?.kind === 'object-storage'
      ? ['vllm', FETCH_CONTAINER]
      : ['vllm'];
  }
  const role =
    pod.role ?? (/-launcher-/.test(pod.name) ? 'launcher' : 'worker');
  if (role === 'launcher') return ['launcher'];
  return pulls ? ['worker', FETCH_CONTAINER] : ['worker'];
}
