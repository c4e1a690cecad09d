/** The simulated cluster's API semantics: CRUD, patch, apply and delete on top of the store. */

import { randomUUID } from 'node:crypto';
import { applyDefaults } from './defaults';
import {
  deepClone,
  deepEqual,
  isPlainObject,
  JsonObject,
  KubeObject,
  objectKey,
} from './kubeObject';
import { FieldScope, trackUpdate } from './managedFields';
import { mpiJobCrd } from './mpiJobCrd';
import { ObjectStore } from './ObjectStore';
import { jsonMergePatch, jsonPatch, strategicMergePatch } from './patches';
import { ResourceRegistry } from './ResourceRegistry';
import { apiVersionOf, ResourceType, storageKey } from './resourceTypes';
import {
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
} from './selectors';
import { serverSideApply } from './serverSideApply';
import {
  alreadyExists,
  ApiError,
  badRequest,
  conflict,
  invalid,
  notFound,
  staleResourceVersion,
  Status,
  successStatus,
} from './statusErrors';
import { validateObject } from './validation';

/** @public */
export type PatchType = 'merge' | 'strategic' | 'json';

/** @public */
export interface WriteOptions {
  /** Recorded in metadata.managedFields; defaults to "simulator". */
  fieldManager?: string;
  /** Validate and compute the result without storing it (`dryRun=All`). */
  dryRun?: boolean;
  /** `status` to write through the status subresource. */
  subresource?: string;
}

/** @public */
export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
}

/** @public */
export interface ListResult {
  items: KubeObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

/** @public */
export interface DeleteResult {
  /** The object as last stored (with deletionTimestamp when finalizers delay removal). */
  object: KubeObject;
  /** False when finalizers keep the object around until they are removed. */
  removed: boolean;
}

const GENERATE_NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789';
const DEFAULT_MANAGER = 'simulator';
const SYSTEM_MANAGER = 'kube-apiserver';

function now(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

/** Everything the user controls except metadata and status: a change bumps generation. */
function specPart(obj: KubeObject): JsonObject {
  const { metadata: _metadata, status: _status, ...rest } = obj;
  return rest;
}

function encodeContinue(resourceVersion: number, start: string): string {
  return Buffer.from(
    JSON.stringify({ v: 'meta.k8s.io/v1', rv: resourceVersion, start }),
  ).toString('base64');
}

function decodeContinue(token: string): { rv: number; start: string } {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
    if (typeof parsed.rv === 'number' && typeof parsed.start === 'string') {
      return parsed;
    }
  } catch {
    // fall through to the error below
  }
  throw badRequest(
    'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
  );
}

export interface ClusterStateOptions {
  /** Watch history window (events); older resourceVersions get 410 Gone. */
  historySize?: number;
  /** Serve kubeflow.org MPIJobs through a preinstalled CRD (default true). */
  installMpiJobCrd?: boolean;
}

/** @public */
export class ClusterState {
  readonly registry = new ResourceRegistry();
  readonly store: ObjectStore;
  #nextServiceIp = 1;

  constructor(options: ClusterStateOptions = {}) {
    this.store = new ObjectStore({ historySize: options.historySize });
    this.#bootstrap(options.installMpiJobCrd ?? true);
  }

  #bootstrap(installMpiJobCrd: boolean) {
    const system = { fieldManager: SYSTEM_MANAGER };
    for (const name of [
      'default',
      'kube-system',
      'kube-public',
      'kube-node-lease',
    ]) {
      this.createObject(
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
        system,
      );
    }
    this.createObject(
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: {
          name: 'kubernetes',
          namespace: 'default',
          labels: { component: 'apiserver', provider: 'kubernetes' },
        },
        spec: {
          ports: [
            { name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 },
          ],
        },
      },
      system,
    );
    if (installMpiJobCrd) {
      this.createObject(mpiJobCrd(), system);
    }
  }

  /** The cluster's current resourceVersion, as a list would report it. */
  get resourceVersion(): string {
    return String(this.store.resourceVersion);
  }

  // ---- Object-oriented convenience API (types resolved from apiVersion/kind) ----

  /** The served type for an apiVersion + kind; throws 404 when none. */
  resolve(apiVersion: string, kind: string): ResourceType {
    const type = this.registry.findByKind(apiVersion, kind);
    if (!type) {
      throw new ApiError(
        404,
        'NotFound',
        `the server doesn't have a resource type for ${kind} in ${apiVersion}`,
      );
    }
    return type;
  }

  createObject(obj: KubeObject, options: WriteOptions = {}): KubeObject {
    const type = this.resolve(obj.apiVersion, obj.kind);
    return this.create(
      type,
      obj.metadata?.namespace ?? (type.namespaced ? 'default' : undefined),
      obj,
      options,
    );
  }

  getObject(
    apiVersion: string,
    kind: string,
    name: string,
    namespace?: string,
  ): KubeObject {
    return this.get(this.resolve(apiVersion, kind), namespace, name);
  }

  listObjects(
    apiVersion: string,
    kind: string,
    namespace?: string,
    options: ListOptions = {},
  ): KubeObject[] {
    return this.list(this.resolve(apiVersion, kind), namespace, options).items;
  }

  /** Merge-patches an object (the status subresource with `options.subresource`). */
  patchObject(
    apiVersion: string,
    kind: string,
    name: string,
    namespace: string | undefined,
    patch: JsonObject,
    options: WriteOptions = {},
  ): KubeObject {
    return this.patch(
      this.resolve(apiVersion, kind),
      namespace,
      name,
      'merge',
      patch,
      options,
    );
  }

  applyObject(
    obj: KubeObject,
    options: WriteOptions & { force?: boolean } = {},
  ): KubeObject {
    const type = this.resolve(obj.apiVersion, obj.kind);
    const namespace =
      obj.metadata?.namespace ?? (type.namespaced ? 'default' : undefined);
    return this.apply(type, namespace, obj.metadata.name!, obj, {
      fieldManager: options.fieldManager ?? DEFAULT_MANAGER,
      force: options.force ?? false,
      dryRun: options.dryRun,
      subresource: options.subresource,
    });
  }

  deleteObject(
    apiVersion: string,
    kind: string,
    name: string,
    namespace?: string,
  ): DeleteResult {
    return this.delete(this.resolve(apiVersion, kind), namespace, name);
  }

  // ---- Request-level operations ----

  get(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
  ): KubeObject {
    const obj = this.store.get(
      storageKey(type),
      this.#ns(type, namespace),
      name,
    );
    if (!obj) {
      throw notFound(type, name);
    }
    return this.#asVersion(type, obj);
  }

  list(
    type: ResourceType,
    namespace: string | undefined,
    options: ListOptions = {},
  ): ListResult {
    const labels = parseLabelSelector(options.labelSelector);
    const fields = parseFieldSelector(
      options.fieldSelector,
      type.fieldSelectors,
    );
    let resourceVersion = this.store.resourceVersion;
    let start: string | undefined;
    if (options.continue) {
      const token = decodeContinue(options.continue);
      resourceVersion = token.rv;
      start = token.start;
    }
    const all = this.store
      .list(storageKey(type), this.#ns(type, namespace))
      .filter(
        o =>
          matchesLabels(labels, o.metadata.labels) && matchesFields(fields, o),
      )
      .filter(
        o =>
          start === undefined ||
          objectKey(o.metadata.namespace, o.metadata.name!) > start,
      )
      .map(o => this.#asVersion(type, o));
    const limit =
      options.limit && options.limit > 0 ? options.limit : undefined;
    if (limit === undefined || all.length <= limit) {
      return { items: all, resourceVersion: String(resourceVersion) };
    }
    const items = all.slice(0, limit);
    const last = items[items.length - 1];
    return {
      items,
      resourceVersion: String(resourceVersion),
      continue: encodeContinue(
        resourceVersion,
        objectKey(last.metadata.namespace, last.metadata.name!),
      ),
      // Like the real server, the count is only exact (and so only sent) without selectors.
      ...(labels.length === 0 && fields.length === 0
        ? { remainingItemCount: all.length - limit }
        : {}),
    };
  }

  create(
    type: ResourceType,
    namespace: string | undefined,
    body: unknown,
    options: WriteOptions = {},
  ): KubeObject {
    if (options.subresource) {
      throw badRequest(
        `create is not supported on the ${options.subresource} subresource`,
      );
    }
    const obj = this.#prepareBody(type, namespace, body);
    if (!obj.metadata.name && typeof obj.metadata.generateName === 'string') {
      let suffix = '';
      for (let i = 0; i < 5; i++) {
        suffix +=
          GENERATE_NAME_CHARS[
            Math.floor(Math.random() * GENERATE_NAME_CHARS.length)
          ];
      }
      obj.metadata.name = `${obj.metadata.generateName}${suffix}`;
    }
    for (const field of [
      'uid',
      'resourceVersion',
      'creationTimestamp',
      'deletionTimestamp',
      'deletionGracePeriodSeconds',
      'generation',
      'managedFields',
      'selfLink',
    ]) {
      delete obj.metadata[field];
    }
    return this.#insert(type, obj, {
      ...options,
      managedFields: previous =>
        trackUpdate({
          previous,
          next: obj,
          manager: options.fieldManager ?? DEFAULT_MANAGER,
          apiVersion: apiVersionOf(type),
          scope: 'all',
        }),
    });
  }

  update(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    body: unknown,
    options: WriteOptions = {},
  ): KubeObject {
    const ns = this.#ns(type, namespace);
    const current = this.store.get(storageKey(type), ns, name);
    const obj = this.#prepareBody(type, ns, body, name);
    if (!current) {
      if (type.allowCreateOnUpdate && !options.subresource) {
        return this.create(type, ns, obj, options);
      }
      throw notFound(type, name);
    }
    this.#checkPreconditions(type, current, obj);
    if (!obj.metadata.resourceVersion && type.crdName) {
      throw invalid(type.kind, type.group, name, [
        {
          reason: 'FieldValueInvalid',
          message: 'Invalid value: 0x0: must be specified for an update',
          field: 'metadata.resourceVersion',
        },
      ]);
    }
    const next = this.#mergeForWrite(type, current, obj, options.subresource);
    const manager = options.fieldManager ?? DEFAULT_MANAGER;
    return this.#replace(type, current, next, {
      ...options,
      managedFields: () =>
        trackUpdate({
          previous: current,
          next,
          manager,
          apiVersion: apiVersionOf(type),
          subresource: options.subresource,
          scope: this.#scope(type, options.subresource),
        }),
    });
  }

  patch(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    patchType: PatchType,
    patch: unknown,
    options: WriteOptions = {},
  ): KubeObject {
    const current = this.get(type, namespace, name);
    if (patchType !== 'json' && !isPlainObject(patch)) {
      throw badRequest('the patch must be a JSON object');
    }
    let patched: unknown;
    if (patchType === 'json') {
      patched = jsonPatch(current, patch);
    } else if (patchType === 'strategic') {
      patched = strategicMergePatch(current, patch);
    } else {
      patched = jsonMergePatch(current, patch);
    }
    if (!isPlainObject(patched)) {
      throw badRequest('the patch result is not an object');
    }
    return this.update(type, namespace, name, patched, options);
  }

  apply(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    body: unknown,
    options: WriteOptions & { force?: boolean },
  ): KubeObject {
    const manager = options.fieldManager;
    if (!manager) {
      throw badRequest('PATCH, fieldManager is required for apply requests');
    }
    const ns = this.#ns(type, namespace);
    const applied = this.#prepareBody(type, ns, body, name);
    const current = this.store.get(storageKey(type), ns, name);
    const scope = this.#scope(type, options.subresource);
    const applyOptions = {
      applied,
      manager,
      force: options.force ?? false,
      apiVersion: apiVersionOf(type),
      subresource: options.subresource,
      scope,
    };
    if (!current) {
      if (options.subresource) {
        throw notFound(type, name);
      }
      const merged = serverSideApply({ ...applyOptions, live: undefined });
      const obj: KubeObject = {
        ...merged,
        apiVersion: apiVersionOf(type),
        kind: type.kind,
        metadata: {
          ...merged.metadata,
          name,
          ...(ns ? { namespace: ns } : {}),
        },
      };
      const managedFields = merged.metadata.managedFields;
      return this.#insert(type, obj, {
        ...options,
        managedFields: () => managedFields ?? [],
      });
    }
    if (
      applied.metadata.resourceVersion &&
      applied.metadata.resourceVersion !== current.metadata.resourceVersion
    ) {
      throw staleResourceVersion(type, name);
    }
    const merged = serverSideApply({
      ...applyOptions,
      live: this.#asVersion(type, current),
    });
    const next = this.#mergeForWrite(
      type,
      current,
      merged,
      options.subresource,
    );
    return this.#replace(type, current, next, {
      ...options,
      managedFields: () => merged.metadata.managedFields ?? [],
    });
  }

  delete(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    options: {
      dryRun?: boolean;
      preconditions?: { uid?: string; resourceVersion?: string };
    } = {},
  ): DeleteResult {
    const ns = this.#ns(type, namespace);
    const key = storageKey(type);
    const current = this.store.get(key, ns, name);
    if (!current) {
      throw notFound(type, name);
    }
    const pre = options.preconditions ?? {};
    if (pre.uid && pre.uid !== current.metadata.uid) {
      throw conflict(
        type,
        name,
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid}`,
      );
    }
    if (
      pre.resourceVersion &&
      pre.resourceVersion !== current.metadata.resourceVersion
    ) {
      throw conflict(
        type,
        name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in meta: ${current.metadata.resourceVersion}`,
      );
    }
    if (options.dryRun) {
      return { object: this.#asVersion(type, current), removed: true };
    }
    if ((current.metadata.finalizers ?? []).length > 0) {
      // Finalizers hold the object until whoever owns them removes them.
      if (current.metadata.deletionTimestamp) {
        return { object: this.#asVersion(type, current), removed: false };
      }
      const marked = deepClone(current);
      marked.metadata.deletionTimestamp = now();
      marked.metadata.deletionGracePeriodSeconds = 0;
      return {
        object: this.#asVersion(type, this.store.write(key, marked)),
        removed: false,
      };
    }
    return { object: this.#remove(type, current), removed: true };
  }

  deleteCollection(
    type: ResourceType,
    namespace: string | undefined,
    options: ListOptions & { dryRun?: boolean } = {},
  ): KubeObject[] {
    const { items } = this.list(type, namespace, {
      labelSelector: options.labelSelector,
      fieldSelector: options.fieldSelector,
    });
    return items.map(
      item =>
        this.delete(type, item.metadata.namespace, item.metadata.name!, {
          dryRun: options.dryRun,
        }).object,
    );
  }

  /** The Status or object a DELETE responds with, as the real server chooses per resource. */
  deleteResponse(
    type: ResourceType,
    result: DeleteResult,
  ): KubeObject | Status {
    if (type.returnDeletedObject || !result.removed) {
      if (type.kind === 'Namespace' && type.group === '') {
        // The real server answers with the namespace in its Terminating phase.
        const terminating = deepClone(result.object);
        terminating.metadata.deletionTimestamp ??= now();
        terminating.status = {
          ...(isPlainObject(terminating.status) ? terminating.status : {}),
          phase: 'Terminating',
        };
        return terminating;
      }
      return result.object;
    }
    return successStatus({
      name: result.object.metadata.name,
      ...(type.group ? { group: type.group } : {}),
      kind: type.plural,
      uid: result.object.metadata.uid,
    });
  }

  // ---- Internals ----

  #ns(type: ResourceType, namespace: string | undefined): string | undefined {
    return type.namespaced ? namespace : undefined;
  }

  #scope(type: ResourceType, subresource: string | undefined): FieldScope {
    if (subresource === 'status') return 'status';
    return type.subresources.includes('status') ? 'main' : 'all';
  }

  #asVersion(type: ResourceType, obj: KubeObject): KubeObject {
    const apiVersion = apiVersionOf(type);
    return obj.apiVersion === apiVersion ? obj : { ...obj, apiVersion };
  }

  /** Checks the body against the URL and fills what the URL implies. */
  #prepareBody(
    type: ResourceType,
    namespace: string | undefined,
    body: unknown,
    urlName?: string,
  ): KubeObject {
    if (!isPlainObject(body)) {
      throw badRequest(`the body of the request must be a ${type.kind} object`);
    }
    const obj = deepClone(body) as KubeObject;
    const expectedApiVersion = apiVersionOf(type);
    if (obj.apiVersion === undefined && obj.kind === undefined) {
      obj.apiVersion = expectedApiVersion;
      obj.kind = type.kind;
    }
    if (typeof obj.kind !== 'string' || !obj.kind) {
      throw badRequest(`Object 'Kind' is missing in '${JSON.stringify(body)}'`);
    }
    if (typeof obj.apiVersion !== 'string' || !obj.apiVersion) {
      throw badRequest(
        `Object 'apiVersion' is missing in '${JSON.stringify(body)}'`,
      );
    }
    const dataGroup = obj.apiVersion.includes('/')
      ? obj.apiVersion.split('/')[0]
      : '';
    const acceptedVersions = this.registry
      .versionsOf(type.group, type.plural)
      .map(apiVersionOf);
    if (
      dataGroup !== type.group ||
      !acceptedVersions.includes(obj.apiVersion)
    ) {
      throw badRequest(
        `the API version in the data (${obj.apiVersion}) does not match the expected API version (${expectedApiVersion})`,
      );
    }
    if (obj.kind !== type.kind) {
      throw badRequest(
        `the kind in the data (${obj.kind}) does not match the expected kind (${type.kind}) for ${type.plural}`,
      );
    }
    obj.apiVersion = expectedApiVersion;
    if (obj.metadata === undefined || obj.metadata === null) {
      obj.metadata = {};
    }
    if (!isPlainObject(obj.metadata)) {
      throw badRequest('metadata must be an object');
    }
    if (type.namespaced) {
      if (!namespace) {
        throw badRequest('a namespace is required for this resource');
      }
      if (obj.metadata.namespace && obj.metadata.namespace !== namespace) {
        throw badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      }
      obj.metadata.namespace = namespace;
    } else {
      delete obj.metadata.namespace;
    }
    if (urlName !== undefined) {
      if (obj.metadata.name && obj.metadata.name !== urlName) {
        throw badRequest(
          `the name of the object (${obj.metadata.name}) does not match the name on the URL (${urlName})`,
        );
      }
      obj.metadata.name = urlName;
    }
    return obj;
  }

  #checkPreconditions(
    type: ResourceType,
    current: KubeObject,
    obj: KubeObject,
  ) {
    const name = current.metadata.name!;
    if (obj.metadata.uid && obj.metadata.uid !== current.metadata.uid) {
      throw conflict(
        type,
        name,
        `Precondition failed: UID in precondition: ${obj.metadata.uid}, UID in object meta: ${current.metadata.uid}`,
      );
    }
    if (
      obj.metadata.resourceVersion &&
      obj.metadata.resourceVersion !== current.metadata.resourceVersion
    ) {
      throw staleResourceVersion(type, name);
    }
  }

  /** The object to store for an update: server-owned fields come from the current object. */
  #mergeForWrite(
    type: ResourceType,
    current: KubeObject,
    obj: KubeObject,
    subresource: string | undefined,
  ): KubeObject {
    let next: KubeObject;
    if (subresource === 'status') {
      next = deepClone(current);
      next.apiVersion = obj.apiVersion;
      if (obj.status === undefined) {
        delete next.status;
      } else {
        next.status = deepClone(obj.status);
      }
    } else {
      next = deepClone(obj);
      if (type.subresources.includes('status')) {
        // The main endpoint cannot change status when a status subresource exists.
        if (current.status === undefined) {
          delete next.status;
        } else {
          next.status = deepClone(current.status);
        }
      }
    }
    for (const field of [
      'uid',
      'creationTimestamp',
      'deletionTimestamp',
      'deletionGracePeriodSeconds',
      'generation',
      'managedFields',
    ]) {
      if (current.metadata[field] === undefined) {
        delete next.metadata[field];
      } else {
        next.metadata[field] = deepClone(current.metadata[field]);
      }
    }
    next.metadata.name = current.metadata.name;
    next.metadata.namespace = current.metadata.namespace;
    if (next.metadata.namespace === undefined) {
      delete next.metadata.namespace;
    }
    return next;
  }

  #defaultAndValidate(
    type: ResourceType,
    obj: KubeObject,
    previous: KubeObject | undefined,
  ) {
    applyDefaults(type, obj, {
      allocateClusterIP: () => this.#allocateClusterIP(),
      previous,
    });
    const causes = validateObject(type, obj);
    if (causes.length > 0) {
      throw invalid(type.kind, type.group, obj.metadata.name ?? '', causes);
    }
    if (
      type.group === 'apiextensions.k8s.io' &&
      type.kind === 'CustomResourceDefinition'
    ) {
      this.#establishCrd(obj);
    }
  }

  #insert(
    type: ResourceType,
    obj: KubeObject,
    options: WriteOptions & {
      managedFields: (
        previous: undefined,
      ) => KubeObject['metadata']['managedFields'];
    },
  ): KubeObject {
    const key = storageKey(type);
    const ns = obj.metadata.namespace;
    if (type.namespaced && !this.store.has('/namespaces', undefined, ns!)) {
      throw notFound({ group: '', plural: 'namespaces' }, ns!);
    }
    this.#defaultAndValidate(type, obj, undefined);
    if (this.store.has(key, ns, obj.metadata.name!)) {
      throw alreadyExists(type, obj.metadata.name!);
    }
    obj.metadata.uid = randomUUID();
    obj.metadata.creationTimestamp = now();
    if (type.hasGeneration) {
      obj.metadata.generation = 1;
    }
    obj.metadata.managedFields = options.managedFields(undefined);
    if (options.dryRun) {
      return obj;
    }
    const stored = this.store.write(key, obj);
    this.#afterWrite(type, stored);
    return this.#asVersion(type, stored);
  }

  #replace(
    type: ResourceType,
    current: KubeObject,
    next: KubeObject,
    options: WriteOptions & {
      managedFields: () => KubeObject['metadata']['managedFields'];
    },
  ): KubeObject {
    this.#defaultAndValidate(type, next, current);
    if (type.hasGeneration && !deepEqual(specPart(next), specPart(current))) {
      next.metadata.generation = (current.metadata.generation ?? 0) + 1;
    }
    next.metadata.managedFields = options.managedFields();
    delete next.metadata.resourceVersion;
    // Ownership changes count as changes; the timestamps of unchanged entries do not.
    const unchanged = (o: KubeObject) => {
      const { resourceVersion: _rv, managedFields, ...meta } = o.metadata;
      const owners = (managedFields ?? []).map(
        ({ time: _time, ...entry }) => entry,
      );
      return { ...o, metadata: { ...meta, managedFields: owners } };
    };
    if (deepEqual(unchanged(next), unchanged(current))) {
      // Like the real server, a no-op write does not bump resourceVersion.
      return this.#asVersion(type, current);
    }
    if (options.dryRun) {
      next.metadata.resourceVersion = current.metadata.resourceVersion;
      return next;
    }
    if (
      next.metadata.deletionTimestamp &&
      (next.metadata.finalizers ?? []).length === 0
    ) {
      // The last finalizer is gone: the pending deletion completes now.
      this.store.write(storageKey(type), next);
      return this.#asVersion(
        type,
        this.#remove(
          type,
          this.store.get(
            storageKey(type),
            next.metadata.namespace,
            next.metadata.name!,
          )!,
        ),
      );
    }
    const stored = this.store.write(storageKey(type), next);
    this.#afterWrite(type, stored);
    return this.#asVersion(type, stored);
  }

  #remove(type: ResourceType, current: KubeObject): KubeObject {
    const name = current.metadata.name!;
    if (type.group === '' && type.kind === 'Namespace') {
      // Namespace deletion removes everything inside it first.
      const keys = new Set(
        this.registry
          .all()
          .filter(t => t.namespaced)
          .map(storageKey),
      );
      for (const key of keys) {
        for (const obj of this.store.list(key, name)) {
          this.store.remove(key, name, obj.metadata.name!);
        }
      }
    }
    if (
      type.group === 'apiextensions.k8s.io' &&
      type.kind === 'CustomResourceDefinition'
    ) {
      const spec = current.spec as JsonObject;
      const names = spec.names as JsonObject;
      const key = storageKey({
        group: String(spec.group),
        plural: String(names.plural),
      });
      for (const obj of this.store.list(key)) {
        this.store.remove(key, obj.metadata.namespace, obj.metadata.name!);
      }
      this.registry.unregisterCrd(name);
    }
    return this.store.remove(
      storageKey(type),
      current.metadata.namespace,
      name,
    )!;
  }

  #afterWrite(type: ResourceType, stored: KubeObject) {
    if (
      type.group === 'apiextensions.k8s.io' &&
      type.kind === 'CustomResourceDefinition'
    ) {
      this.registry.registerCrd(stored);
    }
    if (
      type.group === '' &&
      type.kind === 'Namespace' &&
      !this.store.has('/serviceaccounts', stored.metadata.name, 'default')
    ) {
      // The service account controller gives every namespace a default account.
      this.store.write('/serviceaccounts', {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: {
          name: 'default',
          namespace: stored.metadata.name,
          uid: randomUUID(),
          creationTimestamp: now(),
        },
      });
    }
  }

  /** What the CRD controller would report once names are accepted. */
  #establishCrd(crd: KubeObject) {
    const spec = crd.spec as JsonObject;
    const names = spec.names as JsonObject;
    names.singular ??= String(names.kind).toLowerCase();
    names.listKind ??= `${names.kind}List`;
    const versions = (spec.versions as JsonObject[]) ?? [];
    const storage = versions.find(v => v.storage === true)?.name;
    const previous = isPlainObject(crd.status) ? crd.status : {};
    const stored = Array.isArray(previous.storedVersions)
      ? (previous.storedVersions as string[])
      : [];
    // Keep transition times stable so re-applying an unchanged CRD is a no-op.
    const since = (conditionType: string) =>
      (Array.isArray(previous.conditions)
        ? (previous.conditions as JsonObject[])
        : []
      ).find(c => c.type === conditionType)?.lastTransitionTime ?? now();
    crd.status = {
      conditions: [
        {
          type: 'NamesAccepted',
          status: 'True',
          lastTransitionTime: since('NamesAccepted'),
          reason: 'NoConflicts',
          message: 'no conflicts found',
        },
        {
          type: 'Established',
          status: 'True',
          lastTransitionTime: since('Established'),
          reason: 'InitialNamesAccepted',
          message: 'the initial names have been accepted',
        },
      ],
      acceptedNames: deepClone(names),
      storedVersions:
        storage && !stored.includes(String(storage))
          ? [...stored, String(storage)]
          : stored,
    };
  }

  #allocateClusterIP(): string {
    const n = this.#nextServiceIp++;
    return `10.96.${Math.floor(n / 256)}.${n % 256}`;
  }
}
