/** Deletes objects whose owners are all gone, following ownerReferences like kube-controller-manager's garbage collector. */

import { ClusterState } from '../ClusterState';
import { KubeObject } from '../kubeObject';
import { StoreEvent } from '../ObjectStore';
import { ResourceType, storageKey } from '../resourceTypes';
import { OwnerReference, ownerReferences } from './ownerReferences';
import { WorkQueue } from './WorkQueue';

const MANAGER = 'kube-controller-manager';
/** Events name objects but are never owned or owners; skipping them keeps each pass short. */
const UNOWNED = new Set(['/events']);

export class GarbageCollector {
  readonly #queue = new WorkQueue(key => this.#collect(key));

  constructor(private readonly state: ClusterState) {}

  onEvent(event: StoreEvent): void {
    if (event.type !== 'DELETED' || UNOWNED.has(event.resource)) return;
    const { uid, namespace } = event.object.metadata;
    if (uid) this.#queue.add(JSON.stringify([uid, namespace ?? null]));
  }

  stop(): void {
    this.#queue.stop();
  }

  #collect(key: string) {
    const [uid, namespace] = JSON.parse(key) as [string, string | null];
    for (const type of this.#dependentTypes(namespace)) {
      const dependents = this.state.store
        .list(storageKey(type), namespace ?? undefined)
        .filter(obj => ownerReferences(obj).some(ref => ref.uid === uid));
      for (const dependent of dependents) {
        this.#release(type, dependent, uid);
      }
    }
  }

  /** One served type per stored resource; a namespaced owner only owns objects in its namespace. */
  #dependentTypes(namespace: string | null): ResourceType[] {
    const byKey = new Map<string, ResourceType>();
    for (const type of this.state.registry.all()) {
      const key = storageKey(type);
      if (UNOWNED.has(key) || type.review || byKey.has(key)) continue;
      if (namespace !== null && !type.namespaced) continue;
      byKey.set(key, type);
    }
    return [...byKey.values()];
  }

  /** Drops the reference while another owner lives; otherwise deletes the dependent. */
  #release(type: ResourceType, dependent: KubeObject, ownerUid: string) {
    const { name, namespace } = dependent.metadata;
    const others = ownerReferences(dependent).filter(r => r.uid !== ownerUid);
    if (others.some(ref => this.#exists(ref, namespace))) {
      this.state.update(
        type,
        namespace,
        name!,
        {
          ...dependent,
          metadata: {
            ...dependent.metadata,
            ownerReferences: (dependent.metadata.ownerReferences ?? []).filter(
              r => r.uid !== ownerUid,
            ),
          },
        },
        { fieldManager: MANAGER },
      );
      return;
    }
    if (dependent.metadata.deletionTimestamp) return;
    try {
      this.state.delete(type, namespace, name!);
    } catch {
      // Already gone, e.g. deleted with its namespace.
    }
  }

  #exists(ref: OwnerReference, namespace: string | undefined): boolean {
    const type = this.state.registry.findByKind(ref.apiVersion, ref.kind);
    if (!type) return false;
    const owner = this.state.store.get(
      storageKey(type),
      type.namespaced ? namespace : undefined,
      ref.name,
    );
    return owner?.metadata.uid === ref.uid;
  }
}
