/** Which list fields merge item-by-item (and by what key) instead of being replaced whole. */

import { isPlainObject, JsonObject } from './kubeObject';

// The patchMergeKey / listMapKeys of the common core fields; any other list is atomic.
const KEYS_BY_FIELD: Record<string, string[]> = {
  containers: ['name'],
  initContainers: ['name'],
  ephemeralContainers: ['name'],
  volumes: ['name'],
  env: ['name'],
  imagePullSecrets: ['name'],
  resourceClaims: ['name'],
  volumeMounts: ['mountPath'],
  volumeDevices: ['devicePath'],
  hostAliases: ['ip'],
  conditions: ['type'],
  addresses: ['type'],
  ownerReferences: ['uid'],
  containerStatuses: ['name'],
  initContainerStatuses: ['name'],
};

/** The key fields identifying items of `fieldName`, or undefined when the list is atomic. */
export function mergeKeysFor(
  fieldName: string | undefined,
  items: unknown[],
): string[] | undefined {
  if (!fieldName || !items.every(isPlainObject)) {
    return undefined;
  }
  let keys = KEYS_BY_FIELD[fieldName];
  if (fieldName === 'ports') {
    // Container ports key on containerPort, service ports on port. The real
    // server adds protocol to the key; without defaulting it would split items.
    keys = items.every(i => (i as JsonObject).containerPort !== undefined)
      ? ['containerPort']
      : ['port'];
  }
  if (!keys || !items.every(i => (i as JsonObject)[keys![0]] !== undefined)) {
    return undefined;
  }
  return keys;
}

/** The identifying subset of an item, keys sorted the way fieldsV1 `k:` entries are. */
export function itemKey(item: JsonObject, keys: string[]): JsonObject {
  const key: JsonObject = {};
  for (const k of [...keys].sort()) {
    if (item[k] !== undefined) {
      key[k] = item[k];
    }
  }
  return key;
}

export function sameItem(
  a: JsonObject,
  b: JsonObject,
  keys: string[],
): boolean {
  return JSON.stringify(itemKey(a, keys)) === JSON.stringify(itemKey(b, keys));
}

/** Lists of strings that strategic merge patch unions rather than replaces. */
export const MERGED_PRIMITIVE_LISTS = new Set(['finalizers']);
