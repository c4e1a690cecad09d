import {
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
  StatusWarning,
} from '@backstage/core-components';
import type { DeploymentView } from '@gpu-fleet/plugin-gpu-fleet-common';

const DELIVERY_WORDS = {
  committing: 'Committing to Git',
  delivering: 'Delivering to the cluster',
  applied: 'Applied, not observed yet',
  deleting: 'Deleting',
} as const;

/**
 * Where a deployment stands in colour plus words: what its cluster reports
 * or, until it reports, how far delivery has come.
 */
export const DeploymentPhaseLabel = ({
  deployment,
}: {
  deployment: Pick<DeploymentView, 'status' | 'delivery'>;
}) => {
  const { status, delivery } = deployment;
  if (delivery.state === 'deleting') {
    return <StatusPending>{DELIVERY_WORDS.deleting}</StatusPending>;
  }
  if (!status) {
    return <StatusPending>{DELIVERY_WORDS[delivery.state]}</StatusPending>;
  }
  switch (status.phase) {
    case 'Running':
    case 'Succeeded':
      return <StatusOK>{status.phase}</StatusOK>;
    case 'Progressing':
      return <StatusRunning>{status.phase}</StatusRunning>;
    case 'Degraded':
      return <StatusWarning>{status.phase}</StatusWarning>;
    case 'Failed':
      return <StatusError>{status.phase}</StatusError>;
    case 'Pending':
    default:
      return <StatusPending>{status.phase}</StatusPending>;
  }
};
