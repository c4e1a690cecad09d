import {
  DEPLOYMENT_STATUS_LIMITS,
  DeploymentStatusReport,
  ObservedDeployment,
} from '@gpu-fleet/plugin-gpu-fleet-common';

const jsonBytes = (value: unknown) =>
  Buffer.byteLength(JSON.stringify(value), 'utf8');

const half = <T>(items: T[]) => items.slice(0, Math.floor(items.length / 2));

/**
 * A deployment whose JSON alone is over the budget (texts full of escaped
 * characters) keeps fewer pods, events and conditions until it fits.
 */
function fitDeployment(
  deployment: ObservedDeployment,
  budget: number,
): ObservedDeployment {
  let fitted = deployment;
  while (
    jsonBytes(fitted) > budget &&
    (fitted.pods.length || fitted.events.length || fitted.conditions.length)
  ) {
    fitted = {
      ...fitted,
      pods: half(fitted.pods),
      events: half(fitted.events),
      conditions: half(fitted.conditions),
    };
  }
  return fitted;
}

/**
 * Cuts a report into pieces whose JSON each stays within maxBytes and the
 * schema's counts. A snapshot's first piece is the snapshot; the rest are
 * deltas adding to it, which the control plane applies in order.
 */
export function splitStatusReport(
  report: DeploymentStatusReport,
  maxBytes: number,
): DeploymentStatusReport[] {
  const pieces: DeploymentStatusReport[] = [];
  const emptyBytes = jsonBytes({
    snapshot: false,
    deployments: [],
    removed: [],
  });
  let current: DeploymentStatusReport = {
    snapshot: report.snapshot,
    deployments: [],
    removed: [],
  };
  let bytes = emptyBytes;
  const room = (itemBytes: number, full: boolean) => {
    const empty = !current.deployments.length && !current.removed.length;
    if (!empty && (full || bytes + itemBytes > maxBytes)) {
      pieces.push(current);
      current = { snapshot: false, deployments: [], removed: [] };
      bytes = emptyBytes;
    }
    // One more item, and the comma before it.
    bytes += itemBytes + 1;
  };
  for (const deployment of report.deployments) {
    const fitted = fitDeployment(deployment, maxBytes - emptyBytes);
    room(
      jsonBytes(fitted),
      current.deployments.length >=
        DEPLOYMENT_STATUS_LIMITS.deploymentsPerReport,
    );
    current.deployments.push(fitted);
  }
  for (const removed of report.removed) {
    room(
      jsonBytes(removed),
      current.removed.length >= DEPLOYMENT_STATUS_LIMITS.removedPerReport,
    );
    current.removed.push(removed);
  }
  pieces.push(current);
  return pieces;
}
