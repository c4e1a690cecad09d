import type { KubeObject } from '../workspaces/workspaceObjects';
import type { DeploymentManifest } from './manifestSchema';
import { assertPrivilegedAllowed } from './privilegedUse';
import { RenderContext } from './renderContext';
import { renderMpiJob } from './renderMpiJob';
import { renderVllm } from './renderVllm';

/** Kinds in the order they are applied: what others refer to first. */
export const APPLY_ORDER = [
  'PersistentVolumeClaim',
  'Service',
  'Deployment',
  'MPIJob',
  'ScaledObject',
] as const;

function applyRank(kind: string): number {
  const rank = (APPLY_ORDER as readonly string[]).indexOf(kind);
  return rank === -1 ? APPLY_ORDER.length : rank;
}

/** The Kubernetes objects a validated manifest becomes, in apply order. */
export function renderDeployment(
  manifest: DeploymentManifest,
  ctx: RenderContext,
): KubeObject[] {
  assertPrivilegedAllowed(manifest, ctx.workspace);
  const objects =
    manifest.template === 'vllm'
      ? renderVllm(manifest, ctx)
      : renderMpiJob(manifest, ctx);
  return objects
    .map((object, index) => ({ object, index }))
    .sort(
      (a, b) =>
        applyRank(a.object.kind) - applyRank(b.object.kind) ||
        a.index - b.index,
    )
    .map(({ object }) => object);
}
