/** Splits API paths (/api/v1/namespaces/ns/pods/name/log, /apis/g/v/...) into their parts. */

import { ResourceRegistry } from './ResourceRegistry';

export type ApiPath =
  | { kind: 'coreVersions' }
  | { kind: 'groups' }
  | { kind: 'group'; group: string }
  | { kind: 'resourceList'; group: string; version: string }
  | {
      kind: 'resource';
      group: string;
      version: string;
      namespace?: string;
      resource: string;
      name?: string;
      subresource?: string;
      /** The deprecated /watch/ path prefix. */
      legacyWatch: boolean;
      /** Path segments beyond what any route uses. */
      extra: boolean;
    };

export function parseApiPath(
  pathname: string,
  registry: ResourceRegistry,
): ApiPath | undefined {
  let segments: string[];
  try {
    segments = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return undefined; // malformed percent-encoding: no such path
  }
  let group: string;
  let version: string | undefined;
  let rest: string[];
  if (segments[0] === 'api') {
    if (segments.length === 1) return { kind: 'coreVersions' };
    group = '';
    version = segments[1];
    rest = segments.slice(2);
  } else if (segments[0] === 'apis') {
    if (segments.length === 1) return { kind: 'groups' };
    group = segments[1];
    if (segments.length === 2) return { kind: 'group', group };
    version = segments[2];
    rest = segments.slice(3);
  } else {
    return undefined;
  }
  if (rest.length === 0) {
    return { kind: 'resourceList', group, version };
  }
  const legacyWatch = rest[0] === 'watch';
  if (legacyWatch) {
    rest = rest.slice(1);
  }
  // namespaces/<ns>/<resource>... unless <resource> is really a namespace subresource.
  const namespacedType =
    rest[0] === 'namespaces' && rest.length >= 3
      ? registry.find(group, version, rest[2])
      : undefined;
  if (namespacedType?.namespaced) {
    return {
      kind: 'resource',
      group,
      version,
      namespace: rest[1],
      resource: rest[2],
      name: rest[3],
      subresource: rest[4],
      legacyWatch,
      extra: rest.length > 5,
    };
  }
  return {
    kind: 'resource',
    group,
    version,
    resource: rest[0],
    name: rest[1],
    subresource: rest[2],
    legacyWatch,
    extra: rest.length > 3,
  };
}
