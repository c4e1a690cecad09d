import type { AddonId } from '../addons';
import type { ProviderId } from '../providers';
import type { Workspace } from '../workspaces/types';

/** Names the deployment every rendered object and pod belongs to. */
export const DEPLOYMENT_LABEL = 'gpu-fleet.io/deployment';

/** What a renderer needs to know besides the manifest. */
export interface RenderContext {
  workspace: Workspace;
  cluster: { name: string; provider: ProviderId; addons: AddonId[] };
  /** Labels that pick this GPU type's nodes on this cluster (from its inventory), e.g. {'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3'}. */
  gpuNodeSelector: Record<string, string>;
}

/** A manifest that cannot be rendered for this workspace or cluster; the message starts with the field path. */
export class RenderError extends Error {
  constructor(readonly field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'RenderError';
  }
}
