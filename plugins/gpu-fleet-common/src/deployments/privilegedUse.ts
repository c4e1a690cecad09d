import type { Workspace } from '../workspaces/types';
import type { DeploymentManifest } from './manifestSchema';
import { RenderError } from './renderContext';
import { usesHostPath } from './workloadStorage';

/**
 * Refuses what the namespace's Pod Security level would reject anyway
 * (privileged RDMA workers, hostPath volumes) unless the workspace allows
 * privileged pods, naming the field that asks for it.
 */
export function assertPrivilegedAllowed(
  manifest: DeploymentManifest,
  workspace: Workspace,
): void {
  if (workspace.allowPrivileged) return;
  const refuse = (field: string, what: string) => {
    throw new RenderError(
      field,
      `${what} needs privileged pods, which workspace ${workspace.name} does not allow`,
    );
  };
  if (manifest.mpi?.rdma.enabled) refuse('mpi.rdma.enabled', 'RDMA');
  const storages = [
    ['storage', manifest.storage],
    ['mpi.checkpointStorage', manifest.mpi?.checkpointStorage],
  ] as const;
  for (const [field, storage] of storages) {
    if (storage && usesHostPath(storage)) {
      refuse(
        storage.kind === 'local-nvme' ? `${field}.mode` : `${field}.into`,
        'a hostPath volume on the node',
      );
    }
  }
}
