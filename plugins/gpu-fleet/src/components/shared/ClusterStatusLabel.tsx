import {
  StatusError,
  StatusOK,
  StatusPending,
  StatusWarning,
} from '@backstage/core-components';
import type { Cluster } from '@gpu-fleet/plugin-gpu-fleet-common';

const describe: Record<Cluster['status'], string> = {
  pending: 'Pending: agent not connected yet',
  connected: 'Connected',
  disconnected: 'Disconnected',
  revoked: 'Token revoked',
};

/** Colour plus words, so the status does not rest on colour alone. */
export const ClusterStatusLabel = ({
  cluster,
}: {
  cluster: Pick<Cluster, 'status' | 'detachedAt'>;
}) => {
  if (cluster.detachedAt) return <StatusError>Detached</StatusError>;
  const text = describe[cluster.status];
  switch (cluster.status) {
    case 'connected':
      return <StatusOK>{text}</StatusOK>;
    case 'pending':
      return <StatusPending>{text}</StatusPending>;
    case 'disconnected':
      return <StatusWarning>{text}</StatusWarning>;
    default:
      return <StatusError>{text}</StatusError>;
  }
};
