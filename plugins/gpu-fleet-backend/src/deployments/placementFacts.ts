import {
  Cluster,
  NodeInventory,
  PlacementFacts,
  Workspace,
} from '@gpu-fleet/plugin-gpu-fleet-common';

/** What the registry and the agent's reports say about a target cluster. */
export interface TargetFacts extends PlacementFacts {
  /** Labels that pick each GPU type's nodes, from the inventory. */
  gpuNodeSelectors: Record<string, Record<string, string>>;
}

/** Names from the storage-classes check's details, which read "name (provisioner)". */
export function storageClassNames(details: unknown): string[] {
  const listed = (details as { storageClasses?: unknown })?.storageClasses;
  if (!Array.isArray(listed)) return [];
  return listed
    .filter((entry): entry is string => typeof entry === 'string')
    .map(entry => entry.replace(/\s*\(.*\)$/, '').trim())
    .filter(Boolean);
}

/**
 * Free GPUs per type count only nodes a pod could land on (ready and not
 * cordoned); a type with none free is still listed, at zero, so "too few
 * free" and "no such GPU here" read differently.
 */
export function targetFacts(
  cluster: Pick<Cluster, 'name' | 'provider' | 'addons'>,
  workspace: Workspace,
  nodes: NodeInventory[],
  storageClasses: string[],
): TargetFacts {
  const freeGpus: Record<string, number> = {};
  const labelVotes = new Map<string, Map<string, number>>();
  for (const node of nodes) {
    if (!node.gpuType || node.gpuCount === 0) continue;
    const usable = node.ready && node.schedulable;
    freeGpus[node.gpuType] =
      (freeGpus[node.gpuType] ?? 0) +
      (usable ? Math.max(0, node.gpuCount - node.gpuAllocated) : 0);
    if (node.gpuTypeLabel) {
      const votes = labelVotes.get(node.gpuType) ?? new Map<string, number>();
      const key = JSON.stringify([
        node.gpuTypeLabel.key,
        node.gpuTypeLabel.value,
      ]);
      votes.set(key, (votes.get(key) ?? 0) + 1);
      labelVotes.set(node.gpuType, votes);
    }
  }
  // The label most of a type's nodes carry picks them; ties go to the first seen.
  const gpuNodeSelectors: Record<string, Record<string, string>> = {};
  for (const [type, votes] of labelVotes) {
    const [best] = [...votes.entries()].sort((a, b) => b[1] - a[1])[0];
    const [key, value] = JSON.parse(best) as [string, string];
    gpuNodeSelectors[type] = { [key]: value };
  }
  return {
    cluster: {
      name: cluster.name,
      provider: cluster.provider,
      addons: cluster.addons,
    },
    workspace,
    freeGpus,
    storageClasses,
    gpuNodeSelectors,
  };
}
