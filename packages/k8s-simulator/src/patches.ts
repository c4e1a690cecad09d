/** JSON merge patch (RFC 7386), a simplified strategic merge patch, and JSON patch (RFC 6902). */

import { deepClone, deepEqual, isPlainObject, JsonObject } from './kubeObject';
import {
  MERGED_PRIMITIVE_LISTS,
  mergeKeysFor,
  sameItem,
} from './listMergeKeys';
import { ApiError, badRequest } from './statusErrors';

export function jsonMergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) {
    return deepClone(patch);
  }
  const result: JsonObject = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete result[key];
    } else {
      result[key] = jsonMergePatch(result[key], value);
    }
  }
  return result;
}

/**
 * Strategic merge patch as kubectl sends it: a merge patch where lists with a
 * known merge key (containers by name, ...) merge item by item. Directives
 * `$patch`, `$retainKeys`, `$deleteFromPrimitiveList/` are honoured and
 * `$setElementOrder/` is accepted; ordering follows the live list.
 */
export function strategicMergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) {
    return deepClone(patch);
  }
  if (patch.$patch === 'replace') {
    return stripDirectives(patch);
  }
  const result: JsonObject = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch' || key.startsWith('$setElementOrder/')) {
      continue;
    }
    if (key === '$retainKeys') {
      const keep = new Set(Array.isArray(value) ? value.map(String) : []);
      for (const existing of Object.keys(result)) {
        if (!keep.has(existing) && !(existing in patch)) {
          delete result[existing];
        }
      }
      continue;
    }
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const field = key.slice('$deleteFromPrimitiveList/'.length);
      const remove = Array.isArray(value) ? value : [];
      if (Array.isArray(result[field])) {
        result[field] = (result[field] as unknown[]).filter(
          v => !remove.some(r => deepEqual(r, v)),
        );
      }
      continue;
    }
    if (value === null) {
      delete result[key];
    } else if (isPlainObject(value) && value.$patch === 'delete') {
      delete result[key];
    } else if (Array.isArray(value)) {
      result[key] = mergeList(key, result[key], value);
    } else {
      result[key] = strategicMergePatch(result[key], value);
    }
  }
  return result;
}

function stripDirectives(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(stripDirectives);
  }
  if (!isPlainObject(value)) {
    return value;
  }
  const result: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    if (!k.startsWith('$')) {
      result[k] = stripDirectives(v);
    }
  }
  return result;
}

function mergeList(field: string, live: unknown, patch: unknown[]): unknown[] {
  const liveItems = Array.isArray(live) ? live : [];
  if (
    MERGED_PRIMITIVE_LISTS.has(field) &&
    patch.every(v => !isPlainObject(v))
  ) {
    const merged = [...liveItems];
    for (const v of patch) {
      if (!merged.some(existing => deepEqual(existing, v))) {
        merged.push(v);
      }
    }
    return merged;
  }
  const patchItems = patch.filter(isPlainObject);
  if (patchItems.some(i => i.$patch === 'replace')) {
    return patchItems.filter(i => i.$patch !== 'replace').map(stripDirectives);
  }
  const keys = mergeKeysFor(field, [...liveItems, ...patchItems]);
  if (!keys || patchItems.length !== patch.length) {
    return stripDirectives(patch) as unknown[];
  }
  const merged = liveItems.map(i => deepClone(i)) as JsonObject[];
  for (const item of patchItems) {
    const index = merged.findIndex(m => sameItem(m, item, keys));
    if (item.$patch === 'delete') {
      if (index >= 0) {
        merged.splice(index, 1);
      }
    } else if (index >= 0) {
      merged[index] = strategicMergePatch(merged[index], item) as JsonObject;
    } else {
      merged.push(stripDirectives(item) as JsonObject);
    }
  }
  return merged;
}

interface JsonPatchOperation {
  op: string;
  path: string;
  from?: string;
  value?: unknown;
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') {
    return [];
  }
  if (!pointer.startsWith('/')) {
    throw badRequest(`json patch: invalid path "${pointer}"`);
  }
  return pointer
    .slice(1)
    .split('/')
    .map(p => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function resolveParent(doc: unknown, parts: string[], pointer: string) {
  let current: unknown = doc;
  for (const part of parts.slice(0, -1)) {
    if (Array.isArray(current)) {
      current = current[Number(part)];
    } else if (isPlainObject(current)) {
      current = current[part];
    } else {
      current = undefined;
    }
    if (current === undefined) {
      throw badRequest(`json patch: path "${pointer}" does not exist`);
    }
  }
  return { parent: current, last: parts[parts.length - 1] };
}

function readPointer(doc: unknown, pointer: string): unknown {
  const parts = parsePointer(pointer);
  if (parts.length === 0) {
    return doc;
  }
  const { parent, last } = resolveParent(doc, parts, pointer);
  const value = Array.isArray(parent)
    ? parent[Number(last)]
    : (parent as JsonObject)[last];
  if (value === undefined) {
    throw badRequest(`json patch: path "${pointer}" does not exist`);
  }
  return value;
}

function removePointer(doc: unknown, pointer: string): unknown {
  const parts = parsePointer(pointer);
  const { parent, last } = resolveParent(doc, parts, pointer);
  if (Array.isArray(parent)) {
    const index = Number(last);
    if (!(index >= 0 && index < parent.length)) {
      throw badRequest(`json patch: path "${pointer}" does not exist`);
    }
    return parent.splice(index, 1)[0];
  }
  const obj = parent as JsonObject;
  if (!(last in obj)) {
    throw badRequest(`json patch: unable to remove nonexistent key: ${last}`);
  }
  const value = obj[last];
  delete obj[last];
  return value;
}

function addPointer(doc: unknown, pointer: string, value: unknown): unknown {
  const parts = parsePointer(pointer);
  if (parts.length === 0) {
    return value;
  }
  const { parent, last } = resolveParent(doc, parts, pointer);
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : Number(last);
    if (!(index >= 0 && index <= parent.length)) {
      throw badRequest(`json patch: index out of bounds in "${pointer}"`);
    }
    parent.splice(index, 0, value);
  } else if (isPlainObject(parent)) {
    parent[last] = value;
  } else {
    throw badRequest(`json patch: path "${pointer}" does not exist`);
  }
  return doc;
}

export function jsonPatch(target: unknown, operations: unknown): unknown {
  if (!Array.isArray(operations)) {
    throw badRequest(
      'json patch: the patch must be a JSON array of operations',
    );
  }
  let doc = deepClone(target);
  for (const raw of operations as JsonPatchOperation[]) {
    if (!isPlainObject(raw) || typeof raw.path !== 'string') {
      throw badRequest('json patch: each operation needs "op" and "path"');
    }
    switch (raw.op) {
      case 'add':
        doc = addPointer(doc, raw.path, deepClone(raw.value));
        break;
      case 'remove':
        removePointer(doc, raw.path);
        break;
      case 'replace':
        if (raw.path === '') {
          doc = deepClone(raw.value);
        } else {
          removePointer(doc, raw.path);
          doc = addPointer(doc, raw.path, deepClone(raw.value));
        }
        break;
      case 'move': {
        const value = removePointer(doc, raw.from ?? '');
        doc = addPointer(doc, raw.path, value);
        break;
      }
      case 'copy':
        doc = addPointer(
          doc,
          raw.path,
          deepClone(readPointer(doc, raw.from ?? '')),
        );
        break;
      case 'test':
        if (!deepEqual(readPointer(doc, raw.path), raw.value)) {
          throw new ApiError(
            422,
            'Invalid',
            `json patch: testing value at "${raw.path}" failed`,
          );
        }
        break;
      default:
        throw badRequest(`json patch: unknown operation "${raw.op}"`);
    }
  }
  return doc;
}
