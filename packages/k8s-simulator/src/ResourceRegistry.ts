/** Lookup of served resource types; CRDs add and remove entries at runtime. */

import { isPlainObject, JsonObject, KubeObject } from './kubeObject';
import {
  apiVersionOf,
  BUILTIN_RESOURCES,
  PrinterColumn,
  ResourceType,
  STANDARD_VERBS,
} from './resourceTypes';

/** Orders versions the way Kubernetes does: v2 > v1 > v1beta2 > v1beta1 > v1alpha1 > others. */
export function compareKubeVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) {
      return undefined;
    }
    const stability = { alpha: 0, beta: 1 }[m[2] ?? ''] ?? 2;
    return [stability, Number(m[1]), Number(m[3] ?? 0)];
  };
  const pa = parse(a);
  const pb = parse(b);
  if (!pa || !pb) {
    if (pa) return -1;
    if (pb) return 1;
    return a.localeCompare(b);
  }
  for (let i = 0; i < 3; i++) {
    if (pa[i] !== pb[i]) {
      return pb[i] - pa[i];
    }
  }
  return 0;
}

export interface ApiGroupInfo {
  name: string;
  versions: string[];
  preferredVersion: string;
}

export class ResourceRegistry {
  #types: ResourceType[] = [...BUILTIN_RESOURCES];

  all(): ResourceType[] {
    return this.#types;
  }

  find(
    group: string,
    version: string,
    plural: string,
  ): ResourceType | undefined {
    return this.#types.find(
      t => t.group === group && t.version === version && t.plural === plural,
    );
  }

  /** Resolves an object's apiVersion + kind to the type serving it. */
  findByKind(apiVersion: string, kind: string): ResourceType | undefined {
    return this.#types.find(
      t => apiVersionOf(t) === apiVersion && t.kind === kind,
    );
  }

  /** Resolves by resource or short name (e.g. `po`, `deploy`) in any group. */
  findByName(name: string): ResourceType | undefined {
    const lower = name.toLowerCase();
    return this.#types.find(
      t =>
        t.plural === lower ||
        t.singular === lower ||
        t.shortNames.includes(lower) ||
        t.kind.toLowerCase() === lower,
    );
  }

  typesForGroupVersion(group: string, version: string): ResourceType[] {
    return this.#types.filter(t => t.group === group && t.version === version);
  }

  /** Versions of a stored resource; used to rewrite apiVersion when reading. */
  versionsOf(group: string, plural: string): ResourceType[] {
    return this.#types.filter(t => t.group === group && t.plural === plural);
  }

  /** Non-core API groups in registration order, versions by Kubernetes priority. */
  groups(): ApiGroupInfo[] {
    const byGroup = new Map<string, string[]>();
    for (const t of this.#types) {
      if (!t.group) {
        continue;
      }
      const versions = byGroup.get(t.group) ?? [];
      if (!versions.includes(t.version)) {
        versions.push(t.version);
      }
      byGroup.set(t.group, versions);
    }
    return [...byGroup.entries()].map(([name, versions]) => {
      const sorted = [...versions].sort(compareKubeVersions);
      return { name, versions: sorted, preferredVersion: sorted[0] };
    });
  }

  /** Replaces the served types for a CRD with those its current spec describes. */
  registerCrd(crd: KubeObject): void {
    const name = crd.metadata.name!;
    this.unregisterCrd(name);
    this.#types.push(...typesFromCrd(crd));
  }

  unregisterCrd(name: string): void {
    this.#types = this.#types.filter(t => t.crdName !== name);
  }
}

function typesFromCrd(crd: KubeObject): ResourceType[] {
  const spec = (crd.spec ?? {}) as JsonObject;
  const names = (spec.names ?? {}) as JsonObject;
  const versions = Array.isArray(spec.versions) ? spec.versions : [];
  return versions
    .filter(v => isPlainObject(v) && v.served !== false)
    .map(raw => {
      const v = raw as JsonObject;
      const subresources = isPlainObject(v.subresources) ? v.subresources : {};
      const schema = isPlainObject(v.schema)
        ? v.schema.openAPIV3Schema
        : undefined;
      const kind = String(names.kind);
      return {
        group: String(spec.group),
        version: String(v.name),
        plural: String(names.plural),
        singular: String(names.singular ?? kind.toLowerCase()),
        kind,
        listKind: String(names.listKind ?? `${kind}List`),
        namespaced: spec.scope !== 'Cluster',
        shortNames: Array.isArray(names.shortNames)
          ? names.shortNames.map(String)
          : [],
        categories: Array.isArray(names.categories)
          ? names.categories.map(String)
          : [],
        verbs: STANDARD_VERBS,
        subresources: Object.keys(subresources).filter(
          s => s === 'status' || s === 'scale',
        ),
        hasGeneration: true,
        returnDeletedObject: true,
        allowCreateOnUpdate: false,
        nameRule: 'subdomain' as const,
        fieldSelectors: [],
        crdName: crd.metadata.name,
        printerColumns: Array.isArray(v.additionalPrinterColumns)
          ? (v.additionalPrinterColumns as PrinterColumn[])
          : undefined,
        schema: isPlainObject(schema) ? schema : undefined,
      };
    });
}
