import { Cluster } from '@gpu-fleet/plugin-gpu-fleet-common';
import { ClusterRegistryService } from '@gpu-fleet/plugin-gpu-fleet-node';

/** How long the registry's list serves before it is read again. */
export const ATTACHED_CLUSTERS_TTL_MS = 10_000;

/**
 * The registry's attached clusters (detached ones are history, not
 * clusters), read at most once per TTL: the Kubernetes backend asks for the
 * cluster list on every request. Callers during a read share it; a failed
 * read is not kept, so the next caller tries again.
 */
export class AttachedClusters {
  private cached?: { clusters: Cluster[]; until: number };
  private reading?: Promise<Cluster[]>;

  constructor(
    private readonly registry: Pick<ClusterRegistryService, 'listClusters'>,
    private readonly ttlMs: number = ATTACHED_CLUSTERS_TTL_MS,
  ) {}

  async list(): Promise<Cluster[]> {
    if (this.cached && this.cached.until > Date.now()) {
      return this.cached.clusters;
    }
    this.reading ??= this.registry
      .listClusters()
      .then(all => {
        const clusters = all.filter(cluster => !cluster.detachedAt);
        this.cached = { clusters, until: Date.now() + this.ttlMs };
        return clusters;
      })
      .finally(() => {
        this.reading = undefined;
      });
    return this.reading;
  }
}
