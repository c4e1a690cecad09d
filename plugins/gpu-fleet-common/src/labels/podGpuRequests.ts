import {
  GPU_RESOURCE_NAMES,
  KubeContainerResources,
  KubePod,
} from './kubeShapes';

/** Extended resources are whole numbers; anything else counts as none. */
export function parseGpuQuantity(value: string | number | undefined): number {
  if (value === undefined) return 0;
  const n = typeof value === 'number' ? value : Number(String(value).trim());
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}

function containerGpus(container: KubeContainerResources): number {
  const { requests = {}, limits = {} } = container.resources ?? {};
  let sum = 0;
  for (const name of GPU_RESOURCE_NAMES) {
    // Kubernetes defaults a missing request to the limit.
    sum += parseGpuQuantity(requests[name] ?? limits[name]);
  }
  return sum;
}

/**
 * GPUs the scheduler reserves for a pod: the larger of what its app
 * containers plus sidecars hold and what the hungriest init container needs
 * while the sidecars started before it run.
 */
export function effectivePodGpuRequest(pod: KubePod): number {
  let running = 0;
  for (const container of pod.spec?.containers ?? []) {
    running += containerGpus(container);
  }
  let sidecars = 0;
  let initPeak = 0;
  for (const init of pod.spec?.initContainers ?? []) {
    const own = containerGpus(init);
    if (init.restartPolicy === 'Always') {
      sidecars += own;
      running += own;
      initPeak = Math.max(initPeak, sidecars);
    } else {
      initPeak = Math.max(initPeak, own + sidecars);
    }
  }
  return Math.max(running, initPeak);
}

/** Finished pods and pods not yet on a node hold no GPUs. */
export function podHoldsNodeResources(pod: KubePod): boolean {
  const phase = pod.status?.phase;
  return (
    Boolean(pod.spec?.nodeName) && phase !== 'Succeeded' && phase !== 'Failed'
  );
}

/** What a pod takes from its node, or undefined when it takes no GPUs. */
export function podGpuAllocation(
  pod: KubePod,
): { nodeName: string; gpus: number } | undefined {
  if (!podHoldsNodeResources(pod)) return undefined;
  const gpus = effectivePodGpuRequest(pod);
  return gpus > 0 ? { nodeName: pod.spec!.nodeName!, gpus } : undefined;
}

/** GPUs allocated per node name, summed over pods that hold them. */
export function sumGpuRequestsByNode(
  pods: Iterable<KubePod>,
): Map<string, number> {
  const byNode = new Map<string, number>();
  for (const pod of pods) {
    const allocation = podGpuAllocation(pod);
    if (allocation) {
      byNode.set(
        allocation.nodeName,
        (byNode.get(allocation.nodeName) ?? 0) + allocation.gpus,
      );
    }
  }
  return byNode;
}
