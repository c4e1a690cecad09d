/** Server-side printing: meta.k8s.io/v1 Tables with the columns `kubectl get` shows. */

import { evaluateJsonPath } from './jsonPath';
import { isPlainObject, JsonObject, KubeObject } from './kubeObject';
import { ResourceType } from './resourceTypes';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

interface Column {
  name: string;
  type: 'string' | 'integer' | 'date' | 'number' | 'boolean';
  format?: string;
  description: string;
  priority?: number;
  cell(obj: KubeObject, now: number): unknown;
}

/** kubectl's HumanDuration, so AGE reads the same as against a real cluster. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0
      ? `${Math.floor(hours / 24)}d`
      : `${Math.floor(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const days = Math.floor(hours / 24) % 365;
    return days === 0
      ? `${Math.floor(hours / 24 / 365)}y`
      : `${Math.floor(hours / 24 / 365)}y${days}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
}

function age(obj: KubeObject, now: number): string {
  const created = Date.parse(obj.metadata.creationTimestamp ?? '');
  return Number.isNaN(created) ? '<unknown>' : humanDuration(now - created);
}

const obj = (v: unknown): JsonObject => (isPlainObject(v) ? v : {});
const arr = (v: unknown): JsonObject[] =>
  Array.isArray(v) ? v.filter(isPlainObject) : [];

const NAME: Column = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace.',
  cell: o => o.metadata.name,
};
const AGE: Column = {
  name: 'Age',
  type: 'string',
  description:
    'CreationTimestamp is a timestamp representing the server time when this object was created.',
  cell: age,
};

/** `Init:1/2` or `Init:<reason>` while init containers run, as kubectl prints it. */
function initStatus(pod: KubeObject): string | undefined {
  const statuses = arr(obj(pod.status).initContainerStatuses);
  const total = arr(obj(pod.spec).initContainers).length;
  for (const [i, cs] of statuses.entries()) {
    const terminated = obj(obj(cs.state).terminated);
    const waiting = obj(obj(cs.state).waiting);
    if (Object.keys(terminated).length > 0) {
      if (terminated.exitCode === 0) continue;
      return `Init:${terminated.reason || 'Error'}`;
    }
    if (waiting.reason && waiting.reason !== 'PodInitializing') {
      return `Init:${waiting.reason}`;
    }
    return `Init:${i}/${total}`;
  }
  return undefined;
}

function podStatus(pod: KubeObject): string {
  if (pod.metadata.deletionTimestamp) return 'Terminating';
  const status = obj(pod.status);
  if (typeof status.reason === 'string') return status.reason;
  const init = initStatus(pod);
  if (init) return init;
  for (const cs of arr(status.containerStatuses)) {
    const waiting = obj(obj(cs.state).waiting);
    const terminated = obj(obj(cs.state).terminated);
    if (typeof waiting.reason === 'string' && waiting.reason)
      return waiting.reason;
    if (typeof terminated.reason === 'string' && terminated.reason)
      return terminated.reason;
  }
  return typeof status.phase === 'string' ? status.phase : 'Pending';
}

const POD_COLUMNS: Column[] = [
  NAME,
  {
    name: 'Ready',
    type: 'string',
    description:
      'The aggregate readiness state of this pod for accepting traffic.',
    cell: p => {
      const total = arr(obj(p.spec).containers).length;
      const ready = arr(obj(p.status).containerStatuses).filter(
        s => s.ready === true,
      ).length;
      return `${ready}/${total}`;
    },
  },
  {
    name: 'Status',
    type: 'string',
    description: 'The aggregate status of the containers in this pod.',
    cell: podStatus,
  },
  {
    name: 'Restarts',
    type: 'string',
    description:
      'The number of times the containers in this pod have been restarted.',
    cell: p =>
      String(
        arr(obj(p.status).containerStatuses).reduce(
          (n, s) => n + (Number(s.restartCount) || 0),
          0,
        ),
      ),
  },
  AGE,
  {
    name: 'IP',
    type: 'string',
    priority: 1,
    description: 'IP address allocated to the pod.',
    cell: p => obj(p.status).podIP ?? '<none>',
  },
  {
    name: 'Node',
    type: 'string',
    priority: 1,
    description: 'Name of the node this pod runs on.',
    cell: p => obj(p.spec).nodeName ?? '<none>',
  },
  {
    name: 'Nominated Node',
    type: 'string',
    priority: 1,
    description: 'Nominated node for preemption.',
    cell: p => obj(p.status).nominatedNodeName ?? '<none>',
  },
  {
    name: 'Readiness Gates',
    type: 'string',
    priority: 1,
    description: 'Pod readiness gates.',
    cell: p =>
      arr(obj(p.spec).readinessGates).length
        ? String(arr(obj(p.spec).readinessGates).length)
        : '<none>',
  },
];

function nodeStatus(node: KubeObject): string {
  const ready = arr(obj(node.status).conditions).find(c => c.type === 'Ready');
  let readiness = 'Unknown';
  if (ready) {
    readiness = ready.status === 'True' ? 'Ready' : 'NotReady';
  }
  const parts = [readiness];
  if (obj(node.spec).unschedulable === true) parts.push('SchedulingDisabled');
  return parts.join(',');
}

function nodeRoles(node: KubeObject): string {
  const roles = Object.keys(node.metadata.labels ?? {})
    .filter(k => k.startsWith('node-role.kubernetes.io/'))
    .map(k => k.slice('node-role.kubernetes.io/'.length))
    .filter(Boolean);
  return roles.length ? roles.sort().join(',') : '<none>';
}

const address = (node: KubeObject, type: string) =>
  arr(obj(node.status).addresses).find(a => a.type === type)?.address ??
  '<none>';
const nodeInfo = (node: KubeObject, key: string) =>
  obj(obj(node.status).nodeInfo)[key] ?? '<unknown>';

const NODE_COLUMNS: Column[] = [
  NAME,
  {
    name: 'Status',
    type: 'string',
    description: 'The status of the node',
    cell: nodeStatus,
  },
  {
    name: 'Roles',
    type: 'string',
    description: 'The roles of the node',
    cell: nodeRoles,
  },
  AGE,
  {
    name: 'Version',
    type: 'string',
    description: 'Kubelet Version reported by the node.',
    cell: n => nodeInfo(n, 'kubeletVersion'),
  },
  {
    name: 'Internal-IP',
    type: 'string',
    priority: 1,
    description: 'List of internal IPs.',
    cell: n => address(n, 'InternalIP'),
  },
  {
    name: 'External-IP',
    type: 'string',
    priority: 1,
    description: 'List of external IPs.',
    cell: n => address(n, 'ExternalIP'),
  },
  {
    name: 'OS-Image',
    type: 'string',
    priority: 1,
    description: 'OS image reported by the node.',
    cell: n => nodeInfo(n, 'osImage'),
  },
  {
    name: 'Kernel-Version',
    type: 'string',
    priority: 1,
    description: 'Kernel version reported by the node.',
    cell: n => nodeInfo(n, 'kernelVersion'),
  },
  {
    name: 'Container-Runtime',
    type: 'string',
    priority: 1,
    description: 'Container runtime reported by the node.',
    cell: n => nodeInfo(n, 'containerRuntimeVersion'),
  },
];

const NAMESPACE_COLUMNS: Column[] = [
  NAME,
  {
    name: 'Status',
    type: 'string',
    description: 'The status of the namespace',
    cell: n =>
      n.metadata.deletionTimestamp
        ? 'Terminating'
        : obj(n.status).phase ?? 'Active',
  },
  AGE,
];

function containerSummary(d: KubeObject, key: 'name' | 'image'): string {
  return arr(obj(obj(obj(d.spec).template).spec).containers)
    .map(c => String(c[key]))
    .join(',');
}

const DEPLOYMENT_COLUMNS: Column[] = [
  NAME,
  {
    name: 'Ready',
    type: 'string',
    description: 'Number of the pod with ready state',
    cell: d =>
      `${Number(obj(d.status).readyReplicas ?? 0)}/${Number(
        obj(d.spec).replicas ?? 0,
      )}`,
  },
  {
    name: 'Up-to-date',
    type: 'integer',
    description:
      'Total number of non-terminated pods targeted by this deployment that have the desired template spec.',
    cell: d => Number(obj(d.status).updatedReplicas ?? 0),
  },
  {
    name: 'Available',
    type: 'integer',
    description:
      'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.',
    cell: d => Number(obj(d.status).availableReplicas ?? 0),
  },
  AGE,
  {
    name: 'Containers',
    type: 'string',
    priority: 1,
    description: 'Names of each container in the template.',
    cell: d => containerSummary(d, 'name'),
  },
  {
    name: 'Images',
    type: 'string',
    priority: 1,
    description: 'Images referenced by each container in the template.',
    cell: d => containerSummary(d, 'image'),
  },
  {
    name: 'Selector',
    type: 'string',
    priority: 1,
    description: 'Label selector for pods.',
    cell: d =>
      Object.entries(obj(obj(obj(d.spec).selector).matchLabels))
        .map(([k, v]) => `${k}=${v}`)
        .join(',') || '<none>',
  },
];

function selectorSummary(o: KubeObject): string {
  const selector = obj(obj(o.spec).selector);
  const parts = Object.entries(obj(selector.matchLabels)).map(
    ([k, v]) => `${k}=${v}`,
  );
  for (const e of arr(selector.matchExpressions)) {
    const values = Array.isArray(e.values) ? e.values.join(',') : '';
    if (e.operator === 'In') parts.push(`${e.key} in (${values})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${values})`);
    else if (e.operator === 'Exists') parts.push(String(e.key));
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.join(',') || '<none>';
}

const REPLICASET_COLUMNS: Column[] = [
  NAME,
  {
    name: 'Desired',
    type: 'integer',
    description: 'Number of desired pods.',
    cell: r => Number(obj(r.spec).replicas ?? 0),
  },
  {
    name: 'Current',
    type: 'integer',
    description: 'Number of actual pods.',
    cell: r => Number(obj(r.status).replicas ?? 0),
  },
  {
    name: 'Ready',
    type: 'integer',
    description: 'Number of ready pods.',
    cell: r => Number(obj(r.status).readyReplicas ?? 0),
  },
  AGE,
  {
    name: 'Containers',
    type: 'string',
    priority: 1,
    description: 'Names of each container in the template.',
    cell: r => containerSummary(r, 'name'),
  },
  {
    name: 'Images',
    type: 'string',
    priority: 1,
    description: 'Images referenced by each container in the template.',
    cell: r => containerSummary(r, 'image'),
  },
  {
    name: 'Selector',
    type: 'string',
    priority: 1,
    description: 'Label selector for pods.',
    cell: selectorSummary,
  },
];

function servicePorts(svc: KubeObject): string {
  const ports = arr(obj(svc.spec).ports).map(p => {
    const node = p.nodePort ? `:${p.nodePort}` : '';
    return `${p.port}${node}/${p.protocol ?? 'TCP'}`;
  });
  return ports.length ? ports.join(',') : '<none>';
}

const SERVICE_COLUMNS: Column[] = [
  NAME,
  {
    name: 'Type',
    type: 'string',
    description: 'The type of the service.',
    cell: s => obj(s.spec).type ?? 'ClusterIP',
  },
  {
    name: 'Cluster-IP',
    type: 'string',
    description: 'The cluster IP of the service.',
    cell: s => obj(s.spec).clusterIP ?? '<none>',
  },
  {
    name: 'External-IP',
    type: 'string',
    description: 'The external IPs of the service.',
    cell: s => {
      const ingress = arr(obj(obj(s.status).loadBalancer).ingress).map(
        i => i.ip ?? i.hostname,
      );
      if (ingress.length) return ingress.join(',');
      return obj(s.spec).type === 'LoadBalancer' ? '<pending>' : '<none>';
    },
  },
  {
    name: 'Port(s)',
    type: 'string',
    description: 'The ports of the service.',
    cell: servicePorts,
  },
  AGE,
  {
    name: 'Selector',
    type: 'string',
    priority: 1,
    description: 'The selector of the service.',
    cell: s =>
      Object.entries(obj(obj(s.spec).selector))
        .map(([k, v]) => `${k}=${v}`)
        .join(',') || '<none>',
  },
];

const dataCount = (o: KubeObject) =>
  Object.keys(obj(o.data)).length + Object.keys(obj(o.binaryData)).length;

const CONFIGMAP_COLUMNS: Column[] = [
  NAME,
  {
    name: 'Data',
    type: 'integer',
    description: 'Number of keys.',
    cell: dataCount,
  },
  AGE,
];
const SECRET_COLUMNS: Column[] = [
  NAME,
  {
    name: 'Type',
    type: 'string',
    description: 'The type of the secret.',
    cell: s => s.type ?? 'Opaque',
  },
  {
    name: 'Data',
    type: 'integer',
    description: 'Number of keys.',
    cell: dataCount,
  },
  AGE,
];
const SERVICEACCOUNT_COLUMNS: Column[] = [
  NAME,
  {
    name: 'Secrets',
    type: 'integer',
    description: 'Number of secrets.',
    cell: s => arr(s.secrets).length,
  },
  AGE,
];

function eventTime(e: KubeObject): string | undefined {
  const t = (e.lastTimestamp ??
    e.eventTime ??
    e.firstTimestamp ??
    e.metadata.creationTimestamp) as string | undefined;
  return t;
}

const EVENT_COLUMNS: Column[] = [
  {
    name: 'Last Seen',
    type: 'string',
    description:
      'Time when the most recent occurrence of this event was recorded.',
    cell: (e, now) => {
      const t = Date.parse(eventTime(e) ?? '');
      return Number.isNaN(t) ? '<unknown>' : humanDuration(now - t);
    },
  },
  {
    name: 'Type',
    type: 'string',
    description: 'Type of this event.',
    cell: e => e.type ?? '',
  },
  {
    name: 'Reason',
    type: 'string',
    description: 'Short, machine understandable string.',
    cell: e => e.reason ?? '',
  },
  {
    name: 'Object',
    type: 'string',
    description: 'The object this event is about.',
    cell: e => {
      const io = obj(e.involvedObject);
      return `${String(io.kind ?? '').toLowerCase()}/${io.name ?? ''}`;
    },
  },
  {
    name: 'Message',
    type: 'string',
    description:
      'A human-readable description of the status of this operation.',
    cell: e => e.message ?? '',
  },
];

const CRD_COLUMNS: Column[] = [
  NAME,
  {
    name: 'Created At',
    type: 'date',
    description: 'When the CRD was created.',
    cell: c => c.metadata.creationTimestamp,
  },
];

// kubectl shows roles by creation time and bindings by the role they grant.
const ROLE_COLUMNS: Column[] = [
  NAME,
  {
    name: 'Created At',
    type: 'date',
    description: 'When the role was created.',
    cell: r => r.metadata.creationTimestamp,
  },
];

function subjectNames(binding: KubeObject, kind: string): string {
  return arr(binding.subjects)
    .filter(s => s.kind === kind)
    .map(s =>
      kind === 'ServiceAccount' ? `${s.namespace ?? ''}/${s.name}` : s.name,
    )
    .join(', ');
}

const BINDING_COLUMNS: Column[] = [
  NAME,
  {
    name: 'Role',
    type: 'string',
    description: 'The role this binding grants.',
    cell: b => `${obj(b.roleRef).kind}/${obj(b.roleRef).name}`,
  },
  AGE,
  ...['User', 'Group', 'ServiceAccount'].map(
    (kind): Column => ({
      name: `${kind}s`,
      type: 'string',
      description: `${kind} subjects of the binding.`,
      priority: 1,
      cell: b => subjectNames(b, kind),
    }),
  ),
];

/** `resource: used/hard` for each hard limit, as kubectl shows quotas. */
function quotaUsage(quota: KubeObject, limits: boolean): string {
  const status = obj(quota.status);
  const hard = obj(status.hard);
  const used = obj(status.used);
  return Object.keys(hard)
    .sort()
    .filter(key => key.startsWith('limits.') === limits)
    .map(key => `${key}: ${used[key] ?? '0'}/${hard[key]}`)
    .join(', ');
}

const RESOURCEQUOTA_COLUMNS: Column[] = [
  NAME,
  AGE,
  {
    name: 'Request',
    type: 'string',
    description:
      'Request represents a minimum amount of cpu/memory that a container may consume.',
    cell: q => quotaUsage(q, false),
  },
  {
    name: 'Limit',
    type: 'string',
    description:
      'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.',
    cell: q => quotaUsage(q, true),
  },
];

function customColumns(type: ResourceType): Column[] {
  const printer = (type.printerColumns ?? []).map(
    (pc): Column => ({
      name: pc.name,
      type: (pc.type as Column['type']) ?? 'string',
      format: pc.format,
      description: pc.description ?? '',
      priority: pc.priority,
      cell: (o, now) => {
        const [value] = evaluateJsonPath(o, pc.jsonPath);
        if (value === undefined) return null;
        if (pc.type === 'date' && typeof value === 'string') {
          const t = Date.parse(value);
          return Number.isNaN(t) ? value : humanDuration(now - t);
        }
        return typeof value === 'object' ? JSON.stringify(value) : value;
      },
    }),
  );
  // Like the real server, CRDs without their own Age column get one appended.
  const hasAge = printer.some(c => c.name.toLowerCase() === 'age');
  return [NAME, ...printer, ...(hasAge ? [] : [AGE])];
}

function columnsFor(type: ResourceType): Column[] {
  if (type.crdName) return customColumns(type);
  switch (`${type.group}/${type.plural}`) {
    case '/pods':
      return POD_COLUMNS;
    case '/nodes':
      return NODE_COLUMNS;
    case '/namespaces':
      return NAMESPACE_COLUMNS;
    case 'apps/deployments':
      return DEPLOYMENT_COLUMNS;
    case 'apps/replicasets':
      return REPLICASET_COLUMNS;
    case '/services':
      return SERVICE_COLUMNS;
    case '/configmaps':
      return CONFIGMAP_COLUMNS;
    case '/secrets':
      return SECRET_COLUMNS;
    case '/serviceaccounts':
      return SERVICEACCOUNT_COLUMNS;
    case '/events':
      return EVENT_COLUMNS;
    case '/resourcequotas':
      return RESOURCEQUOTA_COLUMNS;
    case 'apiextensions.k8s.io/customresourcedefinitions':
      return CRD_COLUMNS;
    case 'rbac.authorization.k8s.io/roles':
    case 'rbac.authorization.k8s.io/clusterroles':
      return ROLE_COLUMNS;
    case 'rbac.authorization.k8s.io/rolebindings':
    case 'rbac.authorization.k8s.io/clusterrolebindings':
      return BINDING_COLUMNS;
    default:
      return [NAME, AGE];
  }
}

function rowObject(o: KubeObject, include: IncludeObject): unknown {
  if (include === 'None') return undefined;
  if (include === 'Object') return o;
  return {
    kind: 'PartialObjectMetadata',
    apiVersion: 'meta.k8s.io/v1',
    metadata: o.metadata,
  };
}

export function toTable(
  type: ResourceType,
  objects: KubeObject[],
  listMeta: JsonObject,
  include: IncludeObject,
): JsonObject {
  const columns = columnsFor(type);
  const now = Date.now();
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: columns.map(c => ({
      name: c.name,
      type: c.type,
      format: c.format ?? '',
      description: c.description,
      priority: c.priority ?? 0,
    })),
    rows: objects.map(o => {
      const object = rowObject(o, include);
      return {
        cells: columns.map(c => c.cell(o, now)),
        ...(object ? { object } : {}),
      };
    }),
  };
}
