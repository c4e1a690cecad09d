/** HTTP verbs on resource paths: get/list/watch/create/update/patch/delete and subresources. */

import { IncomingMessage, ServerResponse } from 'node:http';
import { AccessRights } from './AccessRights';
import { answerAccessReview } from './accessReviews';
import { ClusterState } from './ClusterState';
import { isPlainObject, JsonObject, KubeObject } from './kubeObject';
import { jsonMergePatch } from './patches';
import { PodLogs } from './podLogs';
import {
  decodeDeleteOptions,
  decodeObjectBody,
  decodePatchBody,
  readBody,
} from './requestBody';
import { ApiPath } from './requestInfo';
import { chooseFormat, ResponseFormat, writeBody } from './responses';
import { apiVersionOf, ResourceType, storageKey } from './resourceTypes';
import {
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
} from './selectors';
import {
  ApiError,
  badRequest,
  methodNotAllowed,
  resourceNotServed,
  successStatus,
} from './statusErrors';
import { IncludeObject, toTable } from './tables';
import { WatchHub } from './WatchHub';

export interface HandlerContext {
  state: ClusterState;
  watches: WatchHub;
  logs: PodLogs;
  maxBodyBytes: number;
  rights: AccessRights;
}

type ResourcePath = Extract<ApiPath, { kind: 'resource' }>;

interface Call {
  ctx: HandlerContext;
  req: IncomingMessage;
  res: ServerResponse;
  type: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: string;
  query: URLSearchParams;
  format: ResponseFormat;
}

function flag(query: URLSearchParams, key: string): boolean {
  const v = query.get(key);
  return v === 'true' || v === '1';
}

function intParam(query: URLSearchParams, key: string): number | undefined {
  const raw = query.get(key);
  if (raw === null || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n)) {
    throw badRequest(`invalid value for ${key}: ${JSON.stringify(raw)}`);
  }
  return n;
}

/** The manager name writes are recorded under: explicit, else the User-Agent's product. */
function fieldManager(call: Call): string {
  const explicit = call.query.get('fieldManager');
  if (explicit) return explicit;
  const agent = call.req.headers['user-agent'] ?? 'unknown';
  return agent.split('/')[0].slice(0, 128) || 'unknown';
}

function dryRun(call: Call): boolean {
  return call.query.getAll('dryRun').includes('All');
}

function includeObject(call: Call): IncludeObject {
  const v = call.query.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

function withTypeMeta(type: ResourceType, obj: KubeObject): KubeObject {
  return { ...obj, apiVersion: apiVersionOf(type), kind: type.kind };
}

function respondObject(call: Call, obj: KubeObject | JsonObject, code = 200) {
  const { format, type } = call;
  let body: unknown = obj;
  if (obj.kind === type.kind) {
    const full = withTypeMeta(type, obj as KubeObject);
    if (format.as === 'Table') {
      body = toTable(
        type,
        [full],
        { resourceVersion: full.metadata.resourceVersion },
        includeObject(call),
      );
    } else if (format.as === 'PartialObjectMetadata') {
      body = {
        kind: 'PartialObjectMetadata',
        apiVersion: 'meta.k8s.io/v1',
        metadata: full.metadata,
      };
    } else {
      body = full;
    }
  }
  writeBody(call.res, code, body, format.encoding);
}

function respondList(call: Call, items: KubeObject[], metadata: JsonObject) {
  const { format, type } = call;
  let body: unknown;
  if (format.as === 'Table') {
    body = toTable(type, items, metadata, includeObject(call));
  } else if (
    format.as === 'PartialObjectMetadataList' ||
    format.as === 'PartialObjectMetadata'
  ) {
    body = {
      kind: 'PartialObjectMetadataList',
      apiVersion: 'meta.k8s.io/v1',
      metadata,
      items: items.map(i => ({
        kind: 'PartialObjectMetadata',
        apiVersion: 'meta.k8s.io/v1',
        metadata: i.metadata,
      })),
    };
  } else {
    body = {
      kind: type.listKind,
      apiVersion: apiVersionOf(type),
      metadata,
      // Built-in typed lists omit per-item apiVersion/kind; custom resource lists keep them.
      items: type.crdName
        ? items.map(i => withTypeMeta(type, i))
        : items.map(({ apiVersion: _a, kind: _k, ...rest }) => rest),
    };
  }
  writeBody(call.res, 200, body, format.encoding);
}

function serveWatch(call: Call) {
  const { ctx, type, query } = call;
  const labels = parseLabelSelector(query.get('labelSelector') ?? undefined);
  const fields = parseFieldSelector(
    query.get('fieldSelector') ?? undefined,
    type.fieldSelectors,
  );
  const name = call.name;
  const key = storageKey(type);
  const asTable = call.format.as === 'Table';
  ctx.watches.serve(call.req, call.res, {
    resource: key,
    namespace: call.namespace,
    matches: obj =>
      (name === undefined || obj.metadata.name === name) &&
      matchesLabels(labels, obj.metadata.labels) &&
      matchesFields(fields, obj),
    resourceVersion: query.get('resourceVersion') ?? undefined,
    sendInitialEvents: query.has('sendInitialEvents')
      ? flag(query, 'sendInitialEvents')
      : undefined,
    allowBookmarks: flag(query, 'allowWatchBookmarks'),
    timeoutSeconds: intParam(query, 'timeoutSeconds'),
    listCurrent: () => ctx.state.store.list(key, call.namespace),
    encode: obj => {
      const full = withTypeMeta(type, obj);
      return asTable
        ? toTable(
            type,
            [full],
            { resourceVersion: full.metadata.resourceVersion },
            includeObject(call),
          )
        : full;
    },
    bookmark: (resourceVersion, initialEventsEnd) => ({
      kind: type.kind,
      apiVersion: apiVersionOf(type),
      metadata: {
        resourceVersion,
        ...(initialEventsEnd
          ? { annotations: { 'k8s.io/initial-events-end': 'true' } }
          : {}),
      },
    }),
  });
}

function scaleOf(deployment: KubeObject): JsonObject {
  const spec = isPlainObject(deployment.spec) ? deployment.spec : {};
  const status = isPlainObject(deployment.status) ? deployment.status : {};
  const selector =
    isPlainObject(spec.selector) && isPlainObject(spec.selector.matchLabels)
      ? spec.selector.matchLabels
      : {};
  const { name, namespace, uid, resourceVersion, creationTimestamp } =
    deployment.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
    spec: { replicas: spec.replicas ?? 0 },
    status: {
      replicas: status.replicas ?? 0,
      selector: Object.entries(selector)
        .map(([k, v]) => `${k}=${v}`)
        .join(','),
    },
  };
}

async function handleScale(call: Call, method: string) {
  const { ctx, type, namespace, name } = call;
  const current = ctx.state.get(type, namespace, name!);
  if (method === 'GET') {
    writeBody(call.res, 200, scaleOf(current), call.format.encoding);
    return;
  }
  const text = await readBody(call.req, ctx.maxBodyBytes);
  let scale: unknown;
  if (method === 'PUT') {
    scale = decodeObjectBody(text, call.req.headers['content-type']);
  } else if (method === 'PATCH') {
    const patch = decodePatchBody(text, call.req.headers['content-type']);
    scale =
      patch.kind === 'json'
        ? undefined
        : jsonMergePatch(scaleOf(current), patch.body);
    if (scale === undefined)
      throw badRequest('json patch is not supported on the scale subresource');
  } else {
    throw methodNotAllowed();
  }
  const replicas =
    isPlainObject(scale) && isPlainObject(scale.spec)
      ? scale.spec.replicas
      : undefined;
  if (
    typeof replicas !== 'number' ||
    replicas < 0 ||
    !Number.isInteger(replicas)
  ) {
    throw new ApiError(
      422,
      'Invalid',
      `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(
        replicas ?? null,
      )}: must be greater than or equal to 0`,
      {
        name,
        group: 'autoscaling',
        kind: 'Scale',
        causes: [
          {
            reason: 'FieldValueInvalid',
            message: 'Invalid value: must be greater than or equal to 0',
            field: 'spec.replicas',
          },
        ],
      },
    );
  }
  const updated = ctx.state.patch(
    type,
    namespace,
    name!,
    'merge',
    { spec: { replicas } },
    { fieldManager: fieldManager(call) },
  );
  writeBody(call.res, 200, scaleOf(updated), call.format.encoding);
}

async function handleBinding(call: Call) {
  const { ctx, type, namespace, name } = call;
  const body = decodeObjectBody(
    await readBody(call.req, ctx.maxBodyBytes),
    call.req.headers['content-type'],
  );
  const target =
    isPlainObject(body) && isPlainObject(body.target) ? body.target : {};
  if (typeof target.name !== 'string' || !target.name) {
    throw badRequest('a Binding needs target.name');
  }
  const pod = ctx.state.get(type, namespace, name!);
  const assigned = isPlainObject(pod.spec) ? pod.spec.nodeName : undefined;
  if (assigned) {
    throw new ApiError(
      409,
      'Conflict',
      `Operation cannot be fulfilled on pods/binding "${name}": pod ${name} is already assigned to node "${assigned}"`,
      { name, kind: 'pods/binding' },
    );
  }
  const manager = fieldManager(call);
  ctx.state.patch(
    type,
    namespace,
    name!,
    'merge',
    { spec: { nodeName: target.name } },
    { fieldManager: manager },
  );
  const current = ctx.state.get(type, namespace, name!);
  const status = isPlainObject(current.status) ? current.status : {};
  const conditions = (
    Array.isArray(status.conditions) ? status.conditions : []
  ).filter(c => !(isPlainObject(c) && c.type === 'PodScheduled'));
  conditions.push({
    type: 'PodScheduled',
    status: 'True',
    lastProbeTime: null,
    lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  });
  ctx.state.patch(
    type,
    namespace,
    name!,
    'merge',
    { status: { conditions } },
    { fieldManager: manager, subresource: 'status' },
  );
  writeBody(call.res, 201, { ...successStatus(), code: 201 });
}

async function handleEviction(call: Call) {
  const { ctx, type, namespace, name } = call;
  await readBody(call.req, ctx.maxBodyBytes);
  // No PodDisruptionBudgets exist here, so every eviction is allowed.
  ctx.state.delete(type, namespace, name!);
  writeBody(call.res, 201, { ...successStatus(), code: 201 });
}

function logQuery(query: URLSearchParams) {
  return {
    container: query.get('container') ?? undefined,
    follow: flag(query, 'follow'),
    tailLines: intParam(query, 'tailLines'),
    timestamps: flag(query, 'timestamps'),
    sinceSeconds: intParam(query, 'sinceSeconds'),
    sinceTime: query.get('sinceTime') ?? undefined,
    limitBytes: intParam(query, 'limitBytes'),
  };
}

function requiredVerb(
  method: string,
  hasName: boolean,
  watch: boolean,
): string | undefined {
  switch (method) {
    case 'GET':
      if (watch) return 'watch';
      return hasName ? 'get' : 'list';
    case 'POST':
      // A name means a subresource (binding, eviction), which POST creates.
      return 'create';
    case 'PUT':
      return hasName ? 'update' : undefined;
    case 'PATCH':
      return hasName ? 'patch' : undefined;
    case 'DELETE':
      return hasName ? 'delete' : 'deletecollection';
    default:
      return undefined;
  }
}

export async function handleResourceRequest(
  ctx: HandlerContext,
  req: IncomingMessage,
  res: ServerResponse,
  path: ResourcePath,
  query: URLSearchParams,
): Promise<void> {
  const type = ctx.state.registry.find(path.group, path.version, path.resource);
  if (
    !type ||
    path.extra ||
    (path.namespace !== undefined && !type.namespaced)
  ) {
    throw resourceNotServed();
  }
  // A namespaced resource addressed without a namespace only supports listing across namespaces.
  if (
    type.namespaced &&
    path.namespace === undefined &&
    path.name !== undefined
  ) {
    throw resourceNotServed();
  }
  const method = req.method ?? 'GET';
  const sub = path.subresource;
  if (sub !== undefined && !type.subresources.includes(sub)) {
    throw resourceNotServed();
  }
  const watch = path.legacyWatch || flag(query, 'watch');
  const verb = requiredVerb(method, path.name !== undefined, watch);
  // Like the real server, authorization comes before the object is looked at.
  if (verb) {
    ctx.rights.authorize({
      verb,
      group: type.group,
      resource: type.plural,
      subresource: sub,
      namespace: path.namespace,
      name: path.name,
    });
  }
  const call: Call = {
    ctx,
    req,
    res,
    type,
    namespace: path.namespace,
    name: path.name,
    subresource: sub,
    query,
    format: chooseFormat(req.headers.accept),
  };

  if (type.review) {
    if (verb !== 'create' || path.name !== undefined) throw methodNotAllowed();
    const body = decodeObjectBody(
      await readBody(req, ctx.maxBodyBytes),
      req.headers['content-type'],
    );
    writeBody(
      res,
      201,
      answerAccessReview(body, ctx.rights),
      call.format.encoding,
    );
    return;
  }
  if (sub === 'log') {
    if (method !== 'GET') throw methodNotAllowed();
    const pod = ctx.state.get(type, path.namespace, path.name!);
    ctx.logs.serve(res, pod, logQuery(query));
    return;
  }
  if (sub === 'scale') {
    await handleScale(call, method);
    return;
  }
  if (sub === 'binding' || sub === 'eviction') {
    if (method !== 'POST') throw methodNotAllowed();
    await (sub === 'binding' ? handleBinding(call) : handleEviction(call));
    return;
  }

  if (
    !verb ||
    (method === 'POST' && path.name !== undefined) ||
    !type.verbs.includes(verb) ||
    (sub !== undefined && !['get', 'update', 'patch'].includes(verb))
  ) {
    throw methodNotAllowed();
  }
  const writeOptions = () => ({
    fieldManager: fieldManager(call),
    dryRun: dryRun(call),
    // namespaces/finalize only edits spec.finalizers, which an update covers.
    subresource: sub === 'status' ? 'status' : undefined,
  });

  switch (verb) {
    case 'watch':
      serveWatch(call);
      return;
    case 'get':
      respondObject(call, ctx.state.get(type, path.namespace, path.name!));
      return;
    case 'list': {
      const result = ctx.state.list(type, path.namespace, {
        labelSelector: query.get('labelSelector') ?? undefined,
        fieldSelector: query.get('fieldSelector') ?? undefined,
        limit: intParam(query, 'limit'),
        continue: query.get('continue') ?? undefined,
      });
      respondList(call, result.items, {
        resourceVersion: result.resourceVersion,
        ...(result.continue ? { continue: result.continue } : {}),
        ...(result.remainingItemCount !== undefined
          ? { remainingItemCount: result.remainingItemCount }
          : {}),
      });
      return;
    }
    case 'create': {
      const body = decodeObjectBody(
        await readBody(req, ctx.maxBodyBytes),
        req.headers['content-type'],
      );
      respondObject(
        call,
        ctx.state.create(type, path.namespace, body, writeOptions()),
        201,
      );
      return;
    }
    case 'update': {
      const body = decodeObjectBody(
        await readBody(req, ctx.maxBodyBytes),
        req.headers['content-type'],
      );
      respondObject(
        call,
        ctx.state.update(
          type,
          path.namespace,
          path.name!,
          body,
          writeOptions(),
        ),
      );
      return;
    }
    case 'patch': {
      const patch = decodePatchBody(
        await readBody(req, ctx.maxBodyBytes),
        req.headers['content-type'],
      );
      if (patch.kind === 'apply') {
        const existed = ctx.state.store.has(
          storageKey(type),
          type.namespaced ? path.namespace : undefined,
          path.name!,
        );
        const force = flag(query, 'force');
        const applied = ctx.state.apply(
          type,
          path.namespace,
          path.name!,
          patch.body,
          {
            ...writeOptions(),
            fieldManager: query.get('fieldManager') ?? undefined,
            force,
          },
        );
        respondObject(call, applied, existed ? 200 : 201);
      } else {
        respondObject(
          call,
          ctx.state.patch(
            type,
            path.namespace,
            path.name!,
            patch.kind,
            patch.body,
            writeOptions(),
          ),
        );
      }
      return;
    }
    case 'delete': {
      const options = decodeDeleteOptions(
        await readBody(req, ctx.maxBodyBytes),
      );
      const preconditions = isPlainObject(options.preconditions)
        ? (options.preconditions as { uid?: string; resourceVersion?: string })
        : undefined;
      const dryRunAll =
        dryRun(call) ||
        (Array.isArray(options.dryRun) && options.dryRun.includes('All'));
      const result = ctx.state.delete(type, path.namespace, path.name!, {
        dryRun: dryRunAll,
        preconditions,
      });
      respondObject(call, ctx.state.deleteResponse(type, result) as JsonObject);
      return;
    }
    case 'deletecollection': {
      await readBody(req, ctx.maxBodyBytes);
      const deleted = ctx.state.deleteCollection(type, path.namespace, {
        labelSelector: query.get('labelSelector') ?? undefined,
        fieldSelector: query.get('fieldSelector') ?? undefined,
        dryRun: dryRun(call),
      });
      respondList(call, deleted, {
        resourceVersion: String(ctx.state.store.resourceVersion),
      });
      return;
    }
    default:
      throw methodNotAllowed();
  }
}
