/** What a pod asks of a node: resource requests and host ports, read as the scheduler reads them. */

import { asList, asObject, JsonObject, KubeObject } from '../kubeObject';
import { parseMilliQuantity } from './quantities';

/** Requests in thousandths by resource name. */
export type ResourceAmounts = Map<string, number>;

const TERMINAL_PHASES = ['Succeeded', 'Failed'];

export function isTerminal(pod: KubeObject): boolean {
  return TERMINAL_PHASES.includes(String(asObject(pod.status).phase));
}

/** Pods that hold their node's resources: bound, not finished and not being deleted. */
export function holdsResources(pod: KubeObject): boolean {
  return (
    Boolean(asObject(pod.spec).nodeName) &&
    !isTerminal(pod) &&
    !pod.metadata.deletionTimestamp
  );
}

/** The API server defaults a missing request to the limit, for every resource. */
function containerRequests(container: JsonObject): ResourceAmounts {
  const resources = asObject(container.resources);
  const merged = {
    ...asObject(resources.limits),
    ...asObject(resources.requests),
  };
  const amounts: ResourceAmounts = new Map();
  for (const [name, value] of Object.entries(merged)) {
    const milli = parseMilliQuantity(value);
    if (milli !== undefined && milli > 0) amounts.set(name, milli);
  }
  return amounts;
}

/**
 * A pod's effective requests: its containers together or, when larger, its
 * largest init container (they run one at a time), plus its overhead.
 */
export function podRequests(pod: KubeObject): ResourceAmounts {
  const spec = asObject(pod.spec);
  const total: ResourceAmounts = new Map();
  for (const container of asList(spec.containers)) {
    for (const [name, milli] of containerRequests(container)) {
      total.set(name, (total.get(name) ?? 0) + milli);
    }
  }
  for (const init of asList(spec.initContainers)) {
    for (const [name, milli] of containerRequests(init)) {
      if (milli > (total.get(name) ?? 0)) total.set(name, milli);
    }
  }
  for (const [name, value] of Object.entries(asObject(spec.overhead))) {
    const milli = parseMilliQuantity(value);
    if (milli) total.set(name, (total.get(name) ?? 0) + milli);
  }
  return total;
}

/** GPUs a pod asks for, whatever the vendor (`nvidia.com/gpu`, `amd.com/gpu`, ...). */
export function gpuRequest(requests: ResourceAmounts): number {
  let milli = 0;
  for (const [name, value] of requests) {
    if (name.endsWith('/gpu')) milli += value;
  }
  return milli;
}

/** `protocol/hostIP/port` for each host port; with hostNetwork every container port is one. */
export function hostPorts(pod: KubeObject): string[] {
  const spec = asObject(pod.spec);
  const ports: string[] = [];
  for (const container of [
    ...asList(spec.initContainers),
    ...asList(spec.containers),
  ]) {
    for (const port of asList(container.ports)) {
      const hostPort =
        port.hostPort ??
        (spec.hostNetwork === true ? port.containerPort : undefined);
      if (typeof hostPort !== 'number' || hostPort <= 0) continue;
      ports.push(
        `${port.protocol ?? 'TCP'}/${port.hostIP ?? '0.0.0.0'}/${hostPort}`,
      );
    }
  }
  return ports;
}

/** Whether two host port sets collide; 0.0.0.0 takes the port on every address. */
export function portsCollide(wanted: string[], used: string[]): boolean {
  return wanted.some(w => {
    const [protocol, ip, port] = w.split('/');
    return used.some(u => {
      const [uProtocol, uIp, uPort] = u.split('/');
      return (
        protocol === uProtocol &&
        port === uPort &&
        (ip === uIp || ip === '0.0.0.0' || uIp === '0.0.0.0')
      );
    });
  });
}
