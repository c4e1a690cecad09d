import { Workspace } from '@gpu-fleet/plugin-gpu-fleet-common';
import { WorkspaceStore } from '../workspaces/WorkspaceStore';

const MAX_ENTRIES = 10_000;

/**
 * The workspace of a cluster's namespace, for the proxy's every request.
 * Remembered for `ttlMs` (the proxy otherwise reads two tables per
 * request) and forgotten at once when this replica changes any workspace;
 * another replica's change counts within the TTL.
 */
export class WorkspaceLookup {
  private readonly entries = new Map<
    string,
    { workspace: Workspace | undefined; until: number }
  >();

  constructor(
    private readonly store: Pick<
      WorkspaceStore,
      'getByNamespace' | 'listOnCluster' | 'onChange'
    >,
    private readonly ttlMs: number,
  ) {
    store.onChange(() => this.entries.clear());
  }

  async getByNamespace(
    cluster: string,
    namespace: string,
  ): Promise<Workspace | undefined> {
    if (this.ttlMs <= 0) return this.store.getByNamespace(cluster, namespace);
    const key = `${cluster}\n${namespace}`;
    const entry = this.entries.get(key);
    if (entry && entry.until > Date.now()) return entry.workspace;
    const workspace = await this.store.getByNamespace(cluster, namespace);
    if (this.entries.size >= MAX_ENTRIES) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, { workspace, until: Date.now() + this.ttlMs });
    return workspace;
  }

  /** Only on refusals: read afresh. */
  listOnCluster(cluster: string): Promise<Workspace[]> {
    return this.store.listOnCluster(cluster);
  }
}
