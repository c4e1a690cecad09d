/** Legacy (unaggregated) discovery documents: /version, /api, /apis and resource lists. */

import { JsonObject } from './kubeObject';
import { ResourceRegistry } from './ResourceRegistry';
import { ResourceType } from './resourceTypes';

export const DEFAULT_KUBERNETES_VERSION = 'v1.30.6';

export function versionInfo(gitVersion: string): JsonObject {
  const m = /^v(\d+)\.(\d+)\.\d+(.*)$/.exec(gitVersion);
  return {
    major: m ? m[1] : '1',
    // Vendor builds (v1.30.4-eks-...) report the minor with a trailing '+'.
    minor: m ? `${m[2]}${m[3] ? '+' : ''}` : '30',
    gitVersion,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2024-10-22T00:00:00Z',
    goVersion: 'go1.22.8',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

export function apiVersions(serverAddress: string): JsonObject {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupEntry(
  registry: ResourceRegistry,
  name: string,
): JsonObject | undefined {
  const group = registry.groups().find(g => g.name === name);
  if (!group) {
    return undefined;
  }
  return {
    name: group.name,
    versions: group.versions.map(version => ({
      groupVersion: `${group.name}/${version}`,
      version,
    })),
    preferredVersion: {
      groupVersion: `${group.name}/${group.preferredVersion}`,
      version: group.preferredVersion,
    },
  };
}

export function apiGroupList(registry: ResourceRegistry): JsonObject {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: registry.groups().map(g => groupEntry(registry, g.name)),
  };
}

export function apiGroup(
  registry: ResourceRegistry,
  name: string,
): JsonObject | undefined {
  const entry = groupEntry(registry, name);
  return entry && { kind: 'APIGroup', apiVersion: 'v1', ...entry };
}

function subresourceEntries(type: ResourceType): JsonObject[] {
  const entry = (
    sub: string,
    kind: string,
    verbs: string[],
    extra: JsonObject = {},
  ) => ({
    name: `${type.plural}/${sub}`,
    singularName: '',
    namespaced: type.namespaced,
    ...extra,
    kind,
    verbs,
  });
  return type.subresources.map(sub => {
    switch (sub) {
      case 'status':
        return entry(sub, type.kind, ['get', 'patch', 'update']);
      case 'log':
        return entry(sub, type.kind, ['get']);
      case 'binding':
        return entry(sub, 'Binding', ['create']);
      case 'eviction':
        return entry(sub, 'Eviction', ['create'], {
          group: 'policy',
          version: 'v1',
        });
      case 'scale':
        return entry(sub, 'Scale', ['get', 'patch', 'update'], {
          group: 'autoscaling',
          version: 'v1',
        });
      case 'finalize':
        return entry(sub, type.kind, ['update']);
      default:
        return entry(sub, type.kind, ['get']);
    }
  });
}

export function apiResourceList(
  registry: ResourceRegistry,
  group: string,
  version: string,
): JsonObject | undefined {
  const types = registry.typesForGroupVersion(group, version);
  if (types.length === 0) {
    return undefined;
  }
  const resources: JsonObject[] = [];
  for (const type of types) {
    resources.push({
      name: type.plural,
      singularName: type.singular,
      namespaced: type.namespaced,
      kind: type.kind,
      verbs: type.verbs,
      ...(type.shortNames.length > 0 ? { shortNames: type.shortNames } : {}),
      ...(type.categories.length > 0 ? { categories: type.categories } : {}),
    });
    resources.push(...subresourceEntries(type));
  }
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources,
  };
}
