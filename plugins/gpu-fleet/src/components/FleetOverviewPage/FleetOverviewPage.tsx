import { EmptyState, InfoCard, Progress } from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import { Box, Grid, Typography } from '@material-ui/core';
import { gpuFleetApiRef } from '../../api/GpuFleetApi';
import { usePolledAsync } from '../../hooks/usePolledAsync';
import {
  attachClusterRouteRef,
  capacityRouteRef,
  clustersRouteRef,
  workspacesRouteRef,
} from '../../routes';
import { AllocationBar } from '../shared/AllocationBar';
import { ApiErrorPanel } from '../shared/ApiErrorPanel';
import { formatCostPerHour, providerTitle } from '../shared/formatters';
import { ButtonLink } from '../shared/ButtonLink';
import { GpuFleetLayout } from '../shared/GpuFleetLayout';
import { SummaryFigure } from '../shared/SummaryFigure';
import { ClustersByProviderCard } from './ClustersByProviderCard';

const GpusAtAGlance = ({
  refreshIntervalMs,
}: {
  refreshIntervalMs: number;
}) => {
  const api = useApi(gpuFleetApiRef);
  const capacityLink = useRouteRef(capacityRouteRef);
  const capacity = usePolledAsync(
    () => api.getCapacity(['provider']),
    [api],
    refreshIntervalMs,
  );
  let content;
  if (capacity.loading && !capacity.value) {
    content = <Progress />;
  } else if (!capacity.value) {
    content = (
      <ApiErrorPanel
        title="Could not load GPU capacity"
        error={capacity.error ?? new Error('no answer')}
      />
    );
  } else if (capacity.value.rows.length === 0) {
    content = (
      <Typography color="textSecondary">
        No GPUs reported yet: capacity appears once an attached cluster's agent
        reports its nodes.
      </Typography>
    );
  } else {
    const { totals, rows, currency } = capacity.value;
    content = (
      <>
        <Box display="flex" flexWrap="wrap" mb={2}>
          <SummaryFigure label="Total GPUs" value={totals.total} />
          <SummaryFigure label="Allocated" value={totals.allocated} />
          <SummaryFigure label="Free" value={totals.free} />
          <SummaryFigure
            label="Idle cost"
            value={formatCostPerHour(totals.idleCostPerHour, currency)}
          />
        </Box>
        {rows.map(row => (
          <AllocationBar
            key={row.key.provider}
            label={providerTitle(row.key.provider ?? 'unknown')}
            figures={row}
          />
        ))}
      </>
    );
  }
  return (
    <InfoCard
      title="GPUs at a glance"
      deepLink={{ title: 'Open GPU capacity', link: capacityLink() }}
    >
      {content}
    </InfoCard>
  );
};

export interface FleetOverviewPageProps {
  refreshIntervalMs?: number;
}

export const FleetOverviewPage = ({
  refreshIntervalMs = 10_000,
}: FleetOverviewPageProps) => {
  const api = useApi(gpuFleetApiRef);
  const clustersLink = useRouteRef(clustersRouteRef);
  const attachLink = useRouteRef(attachClusterRouteRef);
  const capacityLink = useRouteRef(capacityRouteRef);
  const workspacesLink = useRouteRef(workspacesRouteRef);
  const clusters = usePolledAsync(
    () => api.listClusters(),
    [api],
    refreshIntervalMs,
  );

  let clustersCard;
  if (clusters.loading && !clusters.value) {
    clustersCard = <Progress />;
  } else if (!clusters.value) {
    clustersCard = (
      <ApiErrorPanel
        title="Could not load clusters"
        error={clusters.error ?? new Error('no answer')}
      />
    );
  } else if (!clusters.value.some(c => !c.detachedAt)) {
    clustersCard = (
      <EmptyState
        missing="content"
        title="No clusters attached yet"
        description="Attach a Kubernetes cluster: you get a one-time token and a helm command that installs the agent."
        action={
          <ButtonLink to={attachLink()} variant="contained" color="primary">
            Attach a cluster
          </ButtonLink>
        }
      />
    );
  } else {
    clustersCard = <ClustersByProviderCard clusters={clusters.value} />;
  }

  return (
    <GpuFleetLayout
      title="GPU Fleet"
      subtitle="Attached clusters and the GPUs they offer"
    >
      <Box
        component="nav"
        aria-label="GPU Fleet pages"
        mb={3}
        display="flex"
        flexWrap="wrap"
      >
        <Box mr={2} mb={1}>
          <ButtonLink to={capacityLink()} variant="outlined">
            GPU capacity
          </ButtonLink>
        </Box>
        <Box mr={2} mb={1}>
          <ButtonLink to={clustersLink()} variant="outlined">
            Clusters
          </ButtonLink>
        </Box>
        <Box mr={2} mb={1}>
          <ButtonLink to={workspacesLink()} variant="outlined">
            Workspaces
          </ButtonLink>
        </Box>
        <Box mr={2} mb={1}>
          <ButtonLink to={attachLink()} variant="contained" color="primary">
            Attach a cluster
          </ButtonLink>
        </Box>
      </Box>
      {/* Side by side only where the status table fits beside the GPUs. */}
      <Grid container spacing={3}>
        <Grid item xs={12} xl={6}>
          {clustersCard}
        </Grid>
        <Grid item xs={12} xl={6}>
          <GpusAtAGlance refreshIntervalMs={refreshIntervalMs} />
        </Grid>
      </Grid>
    </GpuFleetLayout>
  );
};
