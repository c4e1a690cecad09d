import type { ProviderId } from '../providers';
import { CAPACITY_TYPE_LABEL } from '../labels/capacityType';
import type { Toleration, WorkspaceCapacityType } from '../workspaces/types';

export interface NodeSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

export interface NodeSelectorTerm {
  matchExpressions: NodeSelectorRequirement[];
}

export interface NodeAffinity {
  requiredDuringSchedulingIgnoredDuringExecution?: {
    nodeSelectorTerms: NodeSelectorTerm[];
  };
  preferredDuringSchedulingIgnoredDuringExecution?: Array<{
    weight: number;
    preference: NodeSelectorTerm;
  }>;
}

/** How a pod is steered onto nodes bought the way the deployment asks. */
export interface CapacityPlacement {
  nodeAffinity: NodeAffinity;
  tolerations: Toleration[];
}

type Bought = 'spot' | 'on-demand';

/**
 * The node selector terms (ORed) that pick nodes bought as `bought` on the
 * provider, using the labels `capacityTypeFromLabels` reads. GKE and AKS
 * label only spot nodes, so on-demand is the label's absence; on providers
 * without a label of their own, an unlabelled node counts as on-demand.
 */
function capacityTerms(
  provider: ProviderId,
  bought: Bought,
): NodeSelectorTerm[] {
  const spot = bought === 'spot';
  switch (provider) {
    case 'eks':
      return [
        {
          matchExpressions: [
            {
              key: 'karpenter.sh/capacity-type',
              operator: 'In',
              values: [bought],
            },
          ],
        },
        {
          matchExpressions: [
            {
              key: 'eks.amazonaws.com/capacityType',
              operator: 'In',
              values: [spot ? 'SPOT' : 'ON_DEMAND'],
            },
          ],
        },
      ];
    case 'gke':
      return [
        {
          matchExpressions: [
            spot
              ? {
                  key: 'cloud.google.com/gke-spot',
                  operator: 'In',
                  values: ['true'],
                }
              : { key: 'cloud.google.com/gke-spot', operator: 'DoesNotExist' },
          ],
        },
      ];
    case 'aks':
      return [
        {
          matchExpressions: [
            spot
              ? {
                  key: 'kubernetes.azure.com/scalesetpriority',
                  operator: 'In',
                  values: ['spot'],
                }
              : {
                  key: 'kubernetes.azure.com/scalesetpriority',
                  operator: 'DoesNotExist',
                },
          ],
        },
      ];
    default:
      return [
        {
          matchExpressions: [
            spot
              ? { key: CAPACITY_TYPE_LABEL, operator: 'In', values: ['spot'] }
              : {
                  key: CAPACITY_TYPE_LABEL,
                  operator: 'NotIn',
                  values: ['spot'],
                },
          ],
        },
      ];
  }
}

/** The taint AKS and GKE put on spot nodes; a pod that may run on spot must tolerate it. */
function spotTolerations(provider: ProviderId): Toleration[] {
  switch (provider) {
    case 'aks':
      return [
        {
          key: 'kubernetes.azure.com/scalesetpriority',
          operator: 'Equal',
          value: 'spot',
          effect: 'NoSchedule',
        },
      ];
    case 'gke':
      return [
        {
          key: 'cloud.google.com/gke-spot',
          operator: 'Equal',
          value: 'true',
          effect: 'NoSchedule',
        },
      ];
    default:
      return [];
  }
}

/**
 * On-demand and spot are requirements; spot-with-fallback only prefers spot,
 * so the scheduler falls back to any other node when no spot node fits.
 */
export function capacityPlacement(
  capacityType: WorkspaceCapacityType,
  provider: ProviderId,
): CapacityPlacement {
  switch (capacityType) {
    case 'on-demand':
      return {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: capacityTerms(provider, 'on-demand'),
          },
        },
        tolerations: [],
      };
    case 'spot':
      return {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: capacityTerms(provider, 'spot'),
          },
        },
        tolerations: spotTolerations(provider),
      };
    case 'spot-with-fallback':
    default:
      return {
        nodeAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: capacityTerms(
            provider,
            'spot',
          ).map(preference => ({ weight: 100, preference })),
        },
        tolerations: spotTolerations(provider),
      };
  }
}

/** The manifest's capacity type, else the workspace's, else on-demand. */
export function effectiveCapacityType(
  manifestCapacityType: WorkspaceCapacityType | undefined,
  workspaceDefault: WorkspaceCapacityType | null,
): WorkspaceCapacityType {
  return manifestCapacityType ?? workspaceDefault ?? 'on-demand';
}
