import type { ObservedDeployment } from '@gpu-fleet/plugin-gpu-fleet-common';

const explain = (reason?: string, message?: string) =>
  [reason, message].filter(Boolean).join(': ');

/**
 * Why a Pending deployment waits, in the scheduler's own words when it gave
 * any ("0/4 nodes are available: 4 Insufficient nvidia.com/gpu."); undefined
 * unless the deployment is Pending.
 */
export function pendingReason(
  status: ObservedDeployment | null,
): string | undefined {
  if (status?.phase !== 'Pending') return undefined;
  const unschedulable = status.pods.find(
    p => p.reason === 'Unschedulable' && p.message,
  );
  if (unschedulable) return unschedulable.message;
  const scheduling = status.events.find(
    e => e.type === 'Warning' && e.reason === 'FailedScheduling',
  );
  if (scheduling) return scheduling.message;
  const waiting = status.pods.find(p => !p.ready && (p.reason || p.message));
  if (waiting) return explain(waiting.reason, waiting.message);
  const warning = status.events.find(e => e.type === 'Warning');
  if (warning) return explain(warning.reason, warning.message);
  return status.summary;
}
