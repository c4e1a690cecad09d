import { InfoCard, Progress } from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import { Entity } from '@backstage/catalog-model';
import {
  MissingAnnotationEmptyState,
  useEntity,
} from '@backstage/plugin-catalog-react';
import { Box, Typography } from '@material-ui/core';
import { GPU_FLEET_CLUSTER_ANNOTATION } from '@gpu-fleet/plugin-gpu-fleet-common';
import { gpuFleetApiRef } from '../../api/GpuFleetApi';
import { usePolledAsync } from '../../hooks/usePolledAsync';
import { clusterRouteRef } from '../../routes';
import { AllocationBar } from '../shared/AllocationBar';
import { ApiErrorPanel } from '../shared/ApiErrorPanel';
import { ClusterStatusLabel } from '../shared/ClusterStatusLabel';
import { formatCostPerHour } from '../shared/formatters';
import { SummaryFigure } from '../shared/SummaryFigure';

/**
 * True for the cluster Resources GPU Fleet's catalog provider emits. Its
 * workspaces and deployments name their cluster too, so the type decides.
 */
export function isGpuFleetCluster(entity: Entity): boolean {
  return (
    entity.kind.toLocaleLowerCase('en-US') === 'resource' &&
    entity.spec?.type === 'kubernetes-cluster' &&
    Boolean(entity.metadata.annotations?.[GPU_FLEET_CLUSTER_ANNOTATION])
  );
}

const ClusterCapacity = ({
  name,
  refreshIntervalMs,
}: {
  name: string;
  refreshIntervalMs: number;
}) => {
  const api = useApi(gpuFleetApiRef);
  const clusterLink = useRouteRef(clusterRouteRef);
  const capacity = usePolledAsync(
    () => api.getCapacity(['gpuType'], { cluster: name }),
    [api, name],
    refreshIntervalMs,
  );
  const cluster = usePolledAsync(
    () => api.getCluster(name),
    [api, name],
    refreshIntervalMs,
  );

  let content;
  if (capacity.loading && !capacity.value) {
    content = <Progress />;
  } else if (!capacity.value) {
    content = (
      <ApiErrorPanel
        title={`Could not load the GPU capacity of ${name}`}
        error={capacity.error ?? new Error('no answer')}
      />
    );
  } else if (capacity.value.totals.total === 0) {
    content = (
      <Typography color="textSecondary">
        The cluster&apos;s agent reports no GPUs.
      </Typography>
    );
  } else {
    const { totals, rows, currency } = capacity.value;
    content = (
      <>
        <Box display="flex" flexWrap="wrap">
          <SummaryFigure label="Total" value={totals.total} />
          <SummaryFigure label="Allocated" value={totals.allocated} />
          <SummaryFigure label="Free" value={totals.free} />
          <SummaryFigure label="Unavailable" value={totals.unavailable} />
        </Box>
        {rows.map(row => (
          <AllocationBar
            key={row.key.gpuType ?? 'unknown'}
            label={row.key.gpuType ?? 'unknown GPU'}
            figures={row}
          />
        ))}
        <Typography variant="body2" color="textSecondary">
          Cost per hour: allocated{' '}
          {formatCostPerHour(totals.allocatedCostPerHour, currency)}, idle{' '}
          {formatCostPerHour(totals.idleCostPerHour, currency)}
        </Typography>
      </>
    );
  }
  return (
    <InfoCard
      title="GPU capacity"
      subheader={
        cluster.value ? <ClusterStatusLabel cluster={cluster.value} /> : null
      }
      deepLink={{ title: 'Open in GPU Fleet', link: clusterLink({ name }) }}
    >
      {content}
    </InfoCard>
  );
};

export interface EntityGpuCapacityCardProps {
  /** How often the figures refresh. */
  refreshIntervalMs?: number;
}

/**
 * The GPU capacity of the cluster behind a catalog entity, which names it
 * in the gpu-fleet.io/cluster annotation (GPU Fleet's cluster Resources do).
 */
export const EntityGpuCapacityCard = ({
  refreshIntervalMs = 10_000,
}: EntityGpuCapacityCardProps) => {
  const { entity } = useEntity();
  const name = entity.metadata.annotations?.[GPU_FLEET_CLUSTER_ANNOTATION];
  if (!name) {
    return (
      <MissingAnnotationEmptyState annotation={GPU_FLEET_CLUSTER_ANNOTATION} />
    );
  }
  return <ClusterCapacity name={name} refreshIntervalMs={refreshIntervalMs} />;
};
