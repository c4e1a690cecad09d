/** Status writes from controllers: always against the object as it is now, through the status subresource. */

import { ClusterState } from '../ClusterState';
import { JsonObject, KubeObject } from '../kubeObject';
import { storageKey } from '../resourceTypes';

/**
 * Writes the status onto the current version of the object (the same one, by
 * uid); an unchanged status is a no-op that wakes no watcher.
 */
export function writeStatus(
  state: ClusterState,
  obj: KubeObject,
  status: JsonObject,
  fieldManager: string,
): KubeObject | undefined {
  const type = state.resolve(obj.apiVersion, obj.kind);
  const { namespace, name, uid } = obj.metadata;
  const current = state.store.get(storageKey(type), namespace, name!);
  if (!current || current.metadata.uid !== uid) return undefined;
  return state.update(
    type,
    namespace,
    name!,
    { ...current, status },
    { subresource: 'status', fieldManager },
  );
}
