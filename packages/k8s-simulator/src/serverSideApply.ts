/** Server-side apply: merging an applied configuration and arbitrating field ownership. */

import {
  deepClone,
  deepEqual,
  isPlainObject,
  JsonObject,
  KubeObject,
} from './kubeObject';
import { mergeKeysFor, sameItem } from './listMergeKeys';
import {
  FieldPath,
  FieldScope,
  fieldSetOf,
  findOwner,
  formatPath,
  newEntry,
  Ownership,
  parsePath,
  readOwnership,
  removeAt,
  valueAt,
  writeOwnership,
} from './managedFields';
import { ApiError, StatusCause } from './statusErrors';

export interface ApplyOptions {
  /** The current object, or undefined when apply creates it. */
  live: KubeObject | undefined;
  /** The applied configuration (already checked for apiVersion/kind/name). */
  applied: KubeObject;
  manager: string;
  force: boolean;
  apiVersion: string;
  subresource?: string;
  scope: FieldScope;
}

/** Drops nulls: in an applied configuration they mean "not specified". */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.filter(v => v !== null).map(withoutNulls);
  }
  if (isPlainObject(value)) {
    const result: JsonObject = {};
    for (const [k, v] of Object.entries(value)) {
      if (v !== null && v !== undefined) {
        result[k] = withoutNulls(v);
      }
    }
    return result;
  }
  return value;
}

/** Keeps only the parts of an applied configuration a write with this scope may set. */
function scoped(applied: KubeObject, scope: FieldScope): JsonObject {
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(applied)) {
    if (key === 'apiVersion' || key === 'kind') {
      continue;
    }
    if (key === 'metadata') {
      if (scope === 'status' || !isPlainObject(value)) {
        continue;
      }
      const metadata: JsonObject = {};
      for (const field of [
        'labels',
        'annotations',
        'finalizers',
        'ownerReferences',
      ]) {
        if (value[field] !== undefined) {
          metadata[field] = value[field];
        }
      }
      result.metadata = metadata;
    } else if (
      scope === 'status'
        ? key === 'status'
        : scope === 'all' || key !== 'status'
    ) {
      result[key] = value;
    }
  }
  return result;
}

function mergeApplied(
  live: unknown,
  applied: unknown,
  fieldName?: string,
): unknown {
  if (isPlainObject(applied)) {
    const result: JsonObject = isPlainObject(live) ? { ...live } : {};
    for (const [k, v] of Object.entries(applied)) {
      result[k] = mergeApplied(result[k], v, k);
    }
    return result;
  }
  if (Array.isArray(applied) && Array.isArray(live)) {
    const keys = mergeKeysFor(fieldName, [...live, ...applied]);
    if (keys) {
      const result = live.map(item => deepClone(item)) as JsonObject[];
      for (const item of applied as JsonObject[]) {
        const index = result.findIndex(r => sameItem(r, item, keys));
        if (index >= 0) {
          result[index] = mergeApplied(result[index], item) as JsonObject;
        } else {
          result.push(deepClone(item));
        }
      }
      return result;
    }
  }
  return deepClone(applied);
}

function describeManager(owner: Ownership): string {
  const { entry } = owner;
  let name = JSON.stringify(entry.manager);
  if (entry.subresource) {
    name += ` with subresource ${JSON.stringify(entry.subresource)}`;
  }
  // Manager identifiers never include the time, so neither do the messages.
  return entry.operation === 'Update'
    ? `${name} using ${entry.apiVersion}`
    : name;
}

function conflictError(
  conflicts: Array<{ owner: Ownership; path: FieldPath }>,
): ApiError {
  const causes: StatusCause[] = conflicts.map(c => ({
    reason: 'FieldManagerConflict',
    message: `conflict with ${describeManager(c.owner)}`,
    field: formatPath(c.path),
  }));
  let message: string;
  if (conflicts.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${describeManager(
      conflicts[0].owner,
    )}: ${formatPath(conflicts[0].path)}`;
  } else {
    const byManager = new Map<string, string[]>();
    for (const c of conflicts) {
      const name = describeManager(c.owner);
      byManager.set(name, [...(byManager.get(name) ?? []), formatPath(c.path)]);
    }
    const lines: string[] = [];
    for (const name of [...byManager.keys()].sort()) {
      lines.push(`conflicts with ${name}:`);
      byManager.get(name)!.forEach(p => lines.push(`- ${p}`));
    }
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join(
      '\n',
    )}`;
  }
  return new ApiError(409, 'Conflict', message, { causes });
}

function ownsAnythingUnder(owner: Ownership, prefix: FieldPath): boolean {
  const head = JSON.stringify(prefix).slice(0, -1);
  for (const p of owner.fields) {
    if (p.startsWith(head)) {
      return true;
    }
  }
  return false;
}

/**
 * Produces the object after applying `applied` as `manager`: conflicting
 * changes to fields other managers own fail with 409 unless forced, fields
 * this manager stopped applying are removed when nobody else owns them, and
 * metadata.managedFields records the new ownership.
 */
export function serverSideApply(options: ApplyOptions): KubeObject {
  const { live, manager, force, apiVersion, subresource, scope } = options;
  const applied = scoped(withoutNulls(options.applied) as KubeObject, scope);
  const appliedFields = fieldSetOf(applied, 'all');
  const owners = readOwnership(live);
  let mine = findOwner(owners, manager, 'Apply', subresource);
  const others = owners.filter(o => o !== mine);

  const conflicts: Array<{ owner: Ownership; path: FieldPath }> = [];
  if (live) {
    for (const serialized of appliedFields) {
      const path = parsePath(serialized);
      if (path[path.length - 1] === '.') {
        continue;
      }
      const current = valueAt(live, path);
      if (current === undefined || deepEqual(current, valueAt(applied, path))) {
        continue;
      }
      for (const owner of others) {
        if (owner.fields.has(serialized)) {
          conflicts.push({ owner, path });
        }
      }
    }
  }
  if (conflicts.length > 0) {
    if (!force) {
      throw conflictError(conflicts);
    }
    for (const c of conflicts) {
      c.owner.fields.delete(JSON.stringify(c.path));
    }
  }

  const result = deepClone(live ?? ({} as KubeObject));
  if (mine) {
    // Fields this manager applied before but no longer does are released; they
    // disappear unless another manager still owns them. Leaves go before items.
    const released = [...mine.fields]
      .filter(p => !appliedFields.has(p))
      .map(parsePath)
      .sort(
        (a, b) =>
          Number(a[a.length - 1] === '.') - Number(b[b.length - 1] === '.'),
      );
    for (const path of released) {
      const isItem = path[path.length - 1] === '.';
      const stillOwned = others.some(o =>
        isItem
          ? ownsAnythingUnder(o, path.slice(0, -1))
          : o.fields.has(JSON.stringify(path)),
      );
      if (!stillOwned) {
        removeAt(result, path);
      }
    }
  }

  const merged = mergeApplied(result, applied) as KubeObject;
  if (!mine) {
    mine = {
      entry: newEntry(manager, 'Apply', apiVersion, subresource),
      fields: new Set(),
    };
    owners.push(mine);
  }
  mine.entry = { ...newEntry(manager, 'Apply', apiVersion, subresource) };
  mine.fields = appliedFields;
  merged.metadata = {
    ...(merged.metadata ?? {}),
    managedFields: writeOwnership(owners),
  };
  return merged;
}
