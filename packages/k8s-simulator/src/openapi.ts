/**
 * Schema-less OpenAPI v3 documents: every path and operation with its query
 * parameters and x-kubernetes-group-version-kind, which is what kubectl probes
 * to see that the server validates fields itself (so apply needs no flags).
 */

import { createHash } from 'node:crypto';
import { JsonObject } from './kubeObject';
import { ResourceRegistry } from './ResourceRegistry';
import { apiVersionOf, ResourceType } from './resourceTypes';

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

function queryParam(name: string, type = 'string'): JsonObject {
  return { name, in: 'query', schema: { type, uniqueItems: true } };
}

const WRITE_PARAMS = [
  queryParam('dryRun'),
  queryParam('fieldManager'),
  queryParam('fieldValidation'),
];
const LIST_PARAMS = [
  queryParam('labelSelector'),
  queryParam('fieldSelector'),
  queryParam('limit', 'integer'),
  queryParam('continue'),
  queryParam('resourceVersion'),
  queryParam('resourceVersionMatch'),
  queryParam('watch', 'boolean'),
  queryParam('allowWatchBookmarks', 'boolean'),
  queryParam('sendInitialEvents', 'boolean'),
  queryParam('timeoutSeconds', 'integer'),
];

function operation(
  type: ResourceType,
  action: string,
  parameters: JsonObject[],
): JsonObject {
  return {
    description: `${action} ${type.kind}`,
    operationId: `${action}${type.kind}`,
    parameters,
    responses: { '200': { description: 'OK' } },
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': {
      group: type.group,
      version: type.version,
      kind: type.kind,
    },
  };
}

function pathsFor(type: ResourceType): Record<string, JsonObject> {
  const base = `/${gvPath(type.group, type.version)}${
    type.namespaced ? '/namespaces/{namespace}' : ''
  }/${type.plural}`;
  if (type.review) {
    return { [base]: { post: operation(type, 'post', WRITE_PARAMS) } };
  }
  const collection: JsonObject = {
    get: operation(type, 'list', LIST_PARAMS),
    post: operation(type, 'post', WRITE_PARAMS),
  };
  if (type.verbs.includes('deletecollection')) {
    collection.delete = operation(type, 'deletecollection', [
      queryParam('labelSelector'),
      queryParam('fieldSelector'),
    ]);
  }
  const item: JsonObject = {
    get: operation(type, 'get', []),
    put: operation(type, 'put', WRITE_PARAMS),
    // No requestBody media types: kubectl then computes patches from its built-in types.
    patch: operation(type, 'patch', [
      ...WRITE_PARAMS,
      queryParam('force', 'boolean'),
    ]),
    delete: operation(type, 'delete', [queryParam('dryRun')]),
  };
  const paths: Record<string, JsonObject> = {
    [base]: collection,
    [`${base}/{name}`]: item,
  };
  if (type.namespaced) {
    paths[`/${gvPath(type.group, type.version)}/${type.plural}`] = {
      get: operation(type, 'list', LIST_PARAMS),
    };
  }
  return paths;
}

/** The OpenAPI v3 document for one group/version, or undefined if it is not served. */
export function openApiV3Document(
  registry: ResourceRegistry,
  group: string,
  version: string,
): JsonObject | undefined {
  const types = registry.typesForGroupVersion(group, version);
  if (types.length === 0) {
    return undefined;
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes (simulator)', version: apiVersionOf(types[0]) },
    paths: Object.assign({}, ...types.map(pathsFor)),
    components: { schemas: {} },
  };
}

/** GET /openapi/v3: the served group/versions with content-hashed document URLs. */
export function openApiV3Root(registry: ResourceRegistry): JsonObject {
  const groupVersions = new Set<string>();
  for (const t of registry.all()) {
    groupVersions.add(`${t.group}\u0000${t.version}`);
  }
  const paths: Record<string, JsonObject> = {};
  for (const gv of groupVersions) {
    const [group, version] = gv.split('\u0000');
    const doc = openApiV3Document(registry, group, version);
    const hash = createHash('sha512')
      .update(JSON.stringify(doc))
      .digest('hex')
      .slice(0, 128)
      .toUpperCase();
    paths[gvPath(group, version)] = {
      serverRelativeURL: `/openapi/v3/${gvPath(group, version)}?hash=${hash}`,
    };
  }
  return { paths };
}
