/**
 * The events topic on which the gpu-fleet backend announces changes to its
 * clusters, workspaces and deployments, through Backstage's events service.
 */
export const GPU_FLEET_REGISTRY_TOPIC = 'gpu-fleet.registry';

/**
 * What changed, by name only: a subscriber reads the current state over the
 * REST API, so an event that arrives late or twice does no harm.
 */
export type GpuFleetRegistryEvent =
  | {
      kind: 'cluster';
      name: string;
      action: 'attached' | 'updated' | 'status' | 'detached';
    }
  | {
      kind: 'workspace';
      name: string;
      action: 'created' | 'updated' | 'deleted';
    }
  | {
      kind: 'deployment';
      workspace: string;
      name: string;
      action: 'created' | 'updated' | 'retargeted' | 'deleted';
    };

const ACTIONS = {
  cluster: ['attached', 'updated', 'status', 'detached'],
  workspace: ['created', 'updated', 'deleted'],
  deployment: ['created', 'updated', 'retargeted', 'deleted'],
} as const;

const isName = (value: unknown): value is string =>
  typeof value === 'string' && value.length > 0 && value.length <= 253;

function isOneOf<T extends string>(
  value: unknown,
  allowed: readonly T[],
): value is T {
  return allowed.includes(value as T);
}

/**
 * The payload as a registry event, or undefined: events may come from
 * another instance through the events backend, so nothing is assumed.
 */
export function parseRegistryEvent(
  payload: unknown,
): GpuFleetRegistryEvent | undefined {
  if (!payload || typeof payload !== 'object') return undefined;
  const { kind, name, action, workspace } = payload as Record<string, unknown>;
  if (!isName(name)) return undefined;
  if (kind === 'cluster' && isOneOf(action, ACTIONS.cluster)) {
    return { kind, name, action };
  }
  if (kind === 'workspace' && isOneOf(action, ACTIONS.workspace)) {
    return { kind, name, action };
  }
  if (
    kind === 'deployment' &&
    isOneOf(action, ACTIONS.deployment) &&
    isName(workspace)
  ) {
    return { kind, workspace, name, action };
  }
  return undefined;
}
