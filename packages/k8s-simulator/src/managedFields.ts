/** Field ownership sets, their fieldsV1 encoding, and ownership tracking for non-apply writes. */

import {
  deepEqual,
  isPlainObject,
  JsonObject,
  KubeObject,
  ManagedFieldsEntry,
} from './kubeObject';
import { itemKey, mergeKeysFor } from './listMergeKeys';

/**
 * A path is a list of fieldsV1 elements: `f:<field>`, `k:<json key>` for an
 * item of a keyed list, and a trailing `.` meaning "the item itself".
 * Sets hold paths serialized with JSON.stringify.
 */
export type FieldPath = string[];
export type FieldSet = Set<string>;

// Server-owned metadata that is never tracked as anyone's field.
const METADATA_FIELDS = new Set([
  'labels',
  'annotations',
  'finalizers',
  'ownerReferences',
]);

export type FieldScope = 'main' | 'status' | 'all';

function collect(
  value: unknown,
  path: FieldPath,
  fieldName: string | undefined,
  out: FieldSet,
) {
  if (isPlainObject(value) && Object.keys(value).length > 0) {
    for (const [k, v] of Object.entries(value)) {
      if (v !== undefined) {
        collect(v, [...path, `f:${k}`], k, out);
      }
    }
    return;
  }
  if (Array.isArray(value) && value.length > 0) {
    const keys = mergeKeysFor(fieldName, value);
    if (keys) {
      for (const item of value as JsonObject[]) {
        const element = `k:${JSON.stringify(itemKey(item, keys))}`;
        out.add(JSON.stringify([...path, element, '.']));
        for (const [k, v] of Object.entries(item)) {
          if (v !== undefined) {
            collect(v, [...path, element, `f:${k}`], k, out);
          }
        }
      }
      return;
    }
  }
  out.add(JSON.stringify(path));
}

/** The fields an object sets, limited to what one kind of write may own. */
export function fieldSetOf(obj: JsonObject, scope: FieldScope): FieldSet {
  const out: FieldSet = new Set();
  for (const [key, value] of Object.entries(obj)) {
    if (key === 'apiVersion' || key === 'kind' || value === undefined) {
      continue;
    }
    if (
      scope === 'status'
        ? key !== 'status'
        : scope === 'main' && key === 'status'
    ) {
      continue;
    }
    if (key === 'metadata') {
      if (!isPlainObject(value)) {
        continue;
      }
      for (const [mk, mv] of Object.entries(value)) {
        if (METADATA_FIELDS.has(mk) && mv !== undefined) {
          collect(mv, ['f:metadata', `f:${mk}`], mk, out);
        }
      }
      continue;
    }
    collect(value, [`f:${key}`], key, out);
  }
  return out;
}

export function encodeFieldsV1(set: FieldSet): JsonObject {
  const root: JsonObject = {};
  for (const serialized of [...set].sort()) {
    let node = root;
    for (const element of JSON.parse(serialized) as FieldPath) {
      if (!isPlainObject(node[element])) {
        node[element] = {};
      }
      node = node[element] as JsonObject;
    }
  }
  return root;
}

export function decodeFieldsV1(fields: unknown): FieldSet {
  const out: FieldSet = new Set();
  const walk = (node: unknown, path: FieldPath) => {
    if (!isPlainObject(node)) {
      return;
    }
    for (const [element, child] of Object.entries(node)) {
      const childPath = [...path, element];
      if (
        element === '.' ||
        !isPlainObject(child) ||
        Object.keys(child).length === 0
      ) {
        out.add(JSON.stringify(childPath));
      } else {
        walk(child, childPath);
      }
    }
  };
  walk(fields, []);
  return out;
}

/** Formats a path like structured-merge-diff does: `.spec.containers[name="web"].image`. */
export function formatPath(path: FieldPath): string {
  let result = '';
  for (const element of path) {
    if (element.startsWith('f:')) {
      result += `.${element.slice(2)}`;
    } else if (element.startsWith('k:')) {
      const key = JSON.parse(element.slice(2)) as JsonObject;
      result += `[${Object.entries(key)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(',')}]`;
    }
  }
  return result;
}

function step(current: unknown, element: string): unknown {
  if (element.startsWith('f:')) {
    return isPlainObject(current) ? current[element.slice(2)] : undefined;
  }
  if (element.startsWith('k:') && Array.isArray(current)) {
    const key = JSON.parse(element.slice(2)) as JsonObject;
    return current.find(
      item =>
        isPlainObject(item) &&
        Object.entries(key).every(([k, v]) => deepEqual(item[k], v)),
    );
  }
  return current;
}

/** The value a path addresses, or undefined when absent. `.` addresses the item itself. */
export function valueAt(obj: unknown, path: FieldPath): unknown {
  let current = obj;
  for (const element of path) {
    if (current === undefined) {
      return undefined;
    }
    current = step(current, element);
  }
  return current;
}

/** Deletes the field or list item a path addresses, if present. */
export function removeAt(obj: unknown, path: FieldPath): void {
  const effective = path[path.length - 1] === '.' ? path.slice(0, -1) : path;
  const parent = valueAt(obj, effective.slice(0, -1));
  const last = effective[effective.length - 1];
  if (last === undefined) {
    return;
  }
  if (last.startsWith('f:') && isPlainObject(parent)) {
    delete parent[last.slice(2)];
  } else if (last.startsWith('k:') && Array.isArray(parent)) {
    const item = step(parent, last);
    const index = parent.indexOf(item);
    if (index >= 0) {
      parent.splice(index, 1);
    }
  }
}

export function parsePath(serialized: string): FieldPath {
  return JSON.parse(serialized) as FieldPath;
}

/** A managedFields entry with its field set decoded. */
export interface Ownership {
  entry: ManagedFieldsEntry;
  fields: FieldSet;
}

export function readOwnership(obj: KubeObject | undefined): Ownership[] {
  const entries = obj?.metadata.managedFields;
  if (!Array.isArray(entries)) {
    return [];
  }
  return entries
    .filter(e => isPlainObject(e) && typeof e.manager === 'string')
    .map(entry => ({ entry, fields: decodeFieldsV1(entry.fieldsV1) }));
}

export function writeOwnership(owners: Ownership[]): ManagedFieldsEntry[] {
  return owners
    .filter(o => o.fields.size > 0)
    .map(o => ({ ...o.entry, fieldsV1: encodeFieldsV1(o.fields) }));
}

function sameOwner(
  entry: ManagedFieldsEntry,
  manager: string,
  operation: 'Apply' | 'Update',
  subresource: string | undefined,
): boolean {
  return (
    entry.manager === manager &&
    entry.operation === operation &&
    (entry.subresource ?? '') === (subresource ?? '')
  );
}

export function findOwner(
  owners: Ownership[],
  manager: string,
  operation: 'Apply' | 'Update',
  subresource: string | undefined,
): Ownership | undefined {
  return owners.find(o => sameOwner(o.entry, manager, operation, subresource));
}

export function newEntry(
  manager: string,
  operation: 'Apply' | 'Update',
  apiVersion: string,
  subresource: string | undefined,
): ManagedFieldsEntry {
  return {
    manager,
    operation,
    apiVersion,
    time: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    fieldsType: 'FieldsV1',
    fieldsV1: {},
    ...(subresource ? { subresource } : {}),
  };
}

/**
 * managedFields after a create/update/patch: the writing manager takes the
 * fields it changed (from everyone else), and removed fields lose all owners.
 */
export function trackUpdate(options: {
  previous: KubeObject | undefined;
  next: KubeObject;
  manager: string;
  apiVersion: string;
  subresource?: string;
  scope: FieldScope;
}): ManagedFieldsEntry[] {
  const { previous, next, manager, apiVersion, subresource, scope } = options;
  const before = previous ? fieldSetOf(previous, scope) : new Set<string>();
  const after = fieldSetOf(next, scope);
  // A list item's `.` changes hands only when the item is new, not when its fields change.
  const changed = [...after].filter(
    p =>
      !before.has(p) ||
      (!p.endsWith('"."]') &&
        !deepEqual(
          valueAt(previous, parsePath(p)),
          valueAt(next, parsePath(p)),
        )),
  );
  const removed = [...before].filter(p => !after.has(p));
  const owners = readOwnership(previous);
  for (const owner of owners) {
    for (const p of [...changed, ...removed]) {
      owner.fields.delete(p);
    }
  }
  if (changed.length > 0) {
    let mine = findOwner(owners, manager, 'Update', subresource);
    if (!mine) {
      mine = {
        entry: newEntry(manager, 'Update', apiVersion, subresource),
        fields: new Set(),
      };
      owners.push(mine);
    } else {
      mine.entry = {
        ...mine.entry,
        time: newEntry(manager, 'Update', apiVersion, subresource).time,
      };
    }
    changed.forEach(p => mine!.fields.add(p));
  }
  return writeOwnership(owners);
}
