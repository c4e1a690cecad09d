/** The defaulting the real API server applies to the built-in kinds the simulator serves. */

import { isPlainObject, JsonObject, KubeObject } from './kubeObject';
import { ResourceType } from './resourceTypes';

export interface DefaultingContext {
  /** Hands out the next free ClusterIP for a new Service. */
  allocateClusterIP(): string;
  /** The Service's previous object on update; ClusterIPs never change. */
  previous?: KubeObject;
}

function setDefault(obj: JsonObject, key: string, value: unknown) {
  if (obj[key] === undefined) {
    obj[key] = value;
  }
}

function objectAt(obj: JsonObject, key: string): JsonObject {
  if (!isPlainObject(obj[key])) {
    obj[key] = {};
  }
  return obj[key] as JsonObject;
}

function defaultContainers(containers: unknown) {
  if (!Array.isArray(containers)) return;
  for (const c of containers) {
    if (!isPlainObject(c)) continue;
    const image = typeof c.image === 'string' ? c.image : '';
    const tag = image.includes('@')
      ? 'digest'
      : image.split('/').pop()?.split(':')[1];
    setDefault(
      c,
      'imagePullPolicy',
      !tag || tag === 'latest' ? 'Always' : 'IfNotPresent',
    );
    setDefault(c, 'terminationMessagePath', '/dev/termination-log');
    setDefault(c, 'terminationMessagePolicy', 'File');
    setDefault(c, 'resources', {});
    if (Array.isArray(c.ports)) {
      for (const p of c.ports) {
        if (isPlainObject(p)) setDefault(p, 'protocol', 'TCP');
      }
    }
  }
}

export function defaultPodSpec(spec: JsonObject) {
  setDefault(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'schedulerName', 'default-scheduler');
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'securityContext', {});
  if (
    spec.serviceAccountName === undefined &&
    typeof spec.serviceAccount === 'string'
  ) {
    spec.serviceAccountName = spec.serviceAccount;
  }
  setDefault(spec, 'serviceAccountName', 'default');
  setDefault(spec, 'serviceAccount', spec.serviceAccountName);
  setDefault(spec, 'enableServiceLinks', true);
  defaultContainers(spec.containers);
  defaultContainers(spec.initContainers);
}

function qosClass(spec: JsonObject): string {
  const containers = Array.isArray(spec.containers)
    ? spec.containers.filter(isPlainObject)
    : [];
  let anyRequests = false;
  let allGuaranteed = containers.length > 0;
  for (const c of containers) {
    const resources = isPlainObject(c.resources) ? c.resources : {};
    const requests = isPlainObject(resources.requests)
      ? resources.requests
      : {};
    const limits = isPlainObject(resources.limits) ? resources.limits : {};
    if (Object.keys(requests).length > 0 || Object.keys(limits).length > 0)
      anyRequests = true;
    const guaranteed =
      limits.cpu !== undefined &&
      limits.memory !== undefined &&
      (requests.cpu === undefined || requests.cpu === limits.cpu) &&
      (requests.memory === undefined || requests.memory === limits.memory);
    if (!guaranteed) allGuaranteed = false;
  }
  if (allGuaranteed) return 'Guaranteed';
  return anyRequests ? 'Burstable' : 'BestEffort';
}

function defaultPod(obj: KubeObject) {
  const spec = objectAt(obj, 'spec');
  defaultPodSpec(spec);
  // Set on pods (not templates) by the Priority admission plugin.
  setDefault(spec, 'priority', 0);
  setDefault(spec, 'preemptionPolicy', 'PreemptLowerPriority');
  // No kubelet runs here: a pod nobody gave a status stays Pending.
  const status = objectAt(obj, 'status');
  setDefault(status, 'phase', 'Pending');
  setDefault(status, 'qosClass', qosClass(spec));
}

function defaultService(obj: KubeObject, ctx: DefaultingContext) {
  const spec = objectAt(obj, 'spec');
  setDefault(spec, 'type', 'ClusterIP');
  setDefault(spec, 'sessionAffinity', 'None');
  if (spec.type !== 'ExternalName') {
    const previousSpec = isPlainObject(ctx.previous?.spec)
      ? ctx.previous!.spec
      : undefined;
    if (spec.clusterIP === undefined || spec.clusterIP === '') {
      spec.clusterIP = previousSpec?.clusterIP ?? ctx.allocateClusterIP();
    }
    setDefault(spec, 'clusterIPs', [spec.clusterIP]);
    setDefault(spec, 'ipFamilies', ['IPv4']);
    setDefault(spec, 'ipFamilyPolicy', 'SingleStack');
    setDefault(spec, 'internalTrafficPolicy', 'Cluster');
  }
  if (Array.isArray(spec.ports)) {
    for (const p of spec.ports) {
      if (!isPlainObject(p)) continue;
      setDefault(p, 'protocol', 'TCP');
      setDefault(p, 'targetPort', p.port);
    }
  }
  const status = objectAt(obj, 'status');
  setDefault(status, 'loadBalancer', {});
}

function defaultDeployment(obj: KubeObject) {
  const spec = objectAt(obj, 'spec');
  setDefault(spec, 'replicas', 1);
  setDefault(spec, 'revisionHistoryLimit', 10);
  setDefault(spec, 'progressDeadlineSeconds', 600);
  const strategy = objectAt(spec, 'strategy');
  setDefault(strategy, 'type', 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') {
    const rolling = objectAt(strategy, 'rollingUpdate');
    setDefault(rolling, 'maxUnavailable', '25%');
    setDefault(rolling, 'maxSurge', '25%');
  }
  const template = objectAt(spec, 'template');
  defaultPodSpec(objectAt(template, 'spec'));
}

function defaultReplicaSet(obj: KubeObject) {
  const spec = objectAt(obj, 'spec');
  setDefault(spec, 'replicas', 1);
  const template = objectAt(spec, 'template');
  defaultPodSpec(objectAt(template, 'spec'));
}

function defaultNamespace(obj: KubeObject) {
  const labels = { ...(obj.metadata.labels ?? {}) };
  labels['kubernetes.io/metadata.name'] = obj.metadata.name!;
  obj.metadata.labels = labels;
  const spec = objectAt(obj, 'spec');
  setDefault(spec, 'finalizers', ['kubernetes']);
  const status = objectAt(obj, 'status');
  setDefault(status, 'phase', 'Active');
}

function defaultSecret(obj: KubeObject) {
  if (obj.type === undefined) {
    obj.type = 'Opaque';
  }
  // stringData is write-only: it is folded into data and never stored.
  if (isPlainObject(obj.stringData)) {
    const data = isPlainObject(obj.data) ? { ...obj.data } : {};
    for (const [k, v] of Object.entries(obj.stringData)) {
      data[k] = Buffer.from(String(v), 'utf8').toString('base64');
    }
    obj.data = data;
  }
  delete obj.stringData;
}

/** Quantities are strings once stored, however the client wrote them. */
function defaultResourceQuota(obj: KubeObject) {
  const spec = isPlainObject(obj.spec) ? obj.spec : undefined;
  if (!spec || !isPlainObject(spec.hard)) return;
  for (const [key, value] of Object.entries(spec.hard)) {
    if (typeof value === 'number') spec.hard[key] = String(value);
  }
}

/** Fills in defaulted fields in place. */
export function applyDefaults(
  type: ResourceType,
  obj: KubeObject,
  ctx: DefaultingContext,
): void {
  switch (`${type.group}/${type.kind}`) {
    case '/Pod':
      defaultPod(obj);
      break;
    case '/Service':
      defaultService(obj, ctx);
      break;
    case 'apps/Deployment':
      defaultDeployment(obj);
      break;
    case 'apps/ReplicaSet':
      defaultReplicaSet(obj);
      break;
    case '/Namespace':
      defaultNamespace(obj);
      break;
    case '/Secret':
      defaultSecret(obj);
      break;
    case '/ResourceQuota':
      defaultResourceQuota(obj);
      break;
    default:
      break;
  }
}
