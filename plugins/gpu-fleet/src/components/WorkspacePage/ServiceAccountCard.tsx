import { InfoCard } from '@backstage/core-components';
import { Typography } from '@material-ui/core';
import {
  ProviderId,
  WORKLOAD_SERVICE_ACCOUNT,
  workloadIdentityAnnotations,
  WorkspaceNamespaceState,
  WorkspaceView,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import type { PolledState } from '../../hooks/usePolledAsync';
import { FactList } from '../shared/FactList';
import { formatLabels, formatYesNo } from '../shared/formatters';

/**
 * The ServiceAccount workloads run as, with the annotations that bind it to
 * a cloud identity: as read from the cluster, or as configured when the
 * cluster cannot be read.
 */
export const ServiceAccountCard = ({
  workspace,
  namespace,
  provider,
}: {
  workspace: WorkspaceView;
  namespace: PolledState<WorkspaceNamespaceState>;
  provider?: ProviderId;
}) => {
  const state = namespace.value;
  const live = state?.reachable ? state.serviceAccount : undefined;
  const configured = provider
    ? workloadIdentityAnnotations(workspace, provider)
    : undefined;
  const facts: Array<[string, string]> = [
    ['Name', live?.name ?? WORKLOAD_SERVICE_ACCOUNT],
    ['Namespace', workspace.namespace],
  ];
  if (live) {
    facts.push(['Exists', formatYesNo(live.exists)]);
    facts.push(['Identity annotations', formatLabels(live.annotations)]);
  } else if (configured) {
    facts.push(['Identity annotations (configured)', formatLabels(configured)]);
  }
  return (
    <InfoCard title="Workload ServiceAccount">
      <Typography variant="body2" gutterBottom>
        Everything deployed into the workspace runs as this ServiceAccount; its
        annotations bind it to the cloud identity the workloads use.
      </Typography>
      <FactList label="Workload ServiceAccount" facts={facts} />
      {!live && (
        <Typography variant="body2" color="textSecondary">
          Not read from the cluster right now.
        </Typography>
      )}
    </InfoCard>
  );
};
