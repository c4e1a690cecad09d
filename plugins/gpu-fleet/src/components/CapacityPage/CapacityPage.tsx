import {
  EmptyState,
  InfoCard,
  Progress,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { Box, Button, Grid, Typography } from '@material-ui/core';
import type { CapacityResponse } from '@gpu-fleet/plugin-gpu-fleet-common';
import { useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import { errorMessage } from '../../api/apiErrors';
import { gpuFleetApiRef } from '../../api/GpuFleetApi';
import { usePolledAsync } from '../../hooks/usePolledAsync';
import { AllocationBar } from '../shared/AllocationBar';
import { ApiErrorPanel } from '../shared/ApiErrorPanel';
import {
  formatCostPerHour,
  formatDateTime,
  providerTitle,
} from '../shared/formatters';
import { GpuFleetLayout } from '../shared/GpuFleetLayout';
import { pooledHistory } from '../shared/pooledHistory';
import { SummaryFigure } from '../shared/SummaryFigure';
import { UtilisationTrend } from '../shared/UtilisationTrend';
import { CapacityFilterBar } from './CapacityFilterBar';
import { CapacityMatrixTable } from './CapacityMatrixTable';
import {
  FILTER_KEYS,
  filtersFromSearch,
  TREND_WINDOWS,
  trendWindowFromSearch,
} from './capacitySearchParams';
import { withSearchParam } from '../shared/searchParams';

const CapacityFigures = ({ capacity }: { capacity: CapacityResponse }) => {
  const { totals, currency } = capacity;
  return (
    <Grid container spacing={3}>
      <Grid item xs={12} md={7}>
        <InfoCard title="GPUs, pooled across clusters">
          <Box display="flex" flexWrap="wrap">
            <SummaryFigure label="Total" value={totals.total} />
            <SummaryFigure label="Allocated" value={totals.allocated} />
            <SummaryFigure label="Free" value={totals.free} />
            <SummaryFigure label="Unavailable" value={totals.unavailable} />
            <SummaryFigure label="Nodes" value={totals.nodes} />
            <SummaryFigure label="Clusters" value={totals.clusters} />
          </Box>
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={5}>
        <InfoCard title={`Cost per hour (${currency})`}>
          <Box display="flex" flexWrap="wrap">
            <SummaryFigure
              label="Allocated GPUs"
              value={formatCostPerHour(totals.allocatedCostPerHour, currency)}
            />
            <SummaryFigure
              label="Idle GPUs"
              value={formatCostPerHour(totals.idleCostPerHour, currency)}
            />
          </Box>
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <CapacityMatrixTable rows={capacity.rows} />
      </Grid>
      <Grid item xs={12}>
        <InfoCard title="Allocated and free">
          {capacity.rows.map(row => {
            const label = `${providerTitle(row.key.provider ?? 'unknown')} · ${
              row.key.gpuType ?? 'unknown GPU'
            }`;
            return (
              <Box key={label}>
                <AllocationBar label={label} figures={row} />
                <Typography
                  variant="caption"
                  color="textSecondary"
                  component="p"
                >
                  Cost: allocated{' '}
                  {formatCostPerHour(row.allocatedCostPerHour, currency)}, idle{' '}
                  {formatCostPerHour(row.idleCostPerHour, currency)}
                </Typography>
              </Box>
            );
          })}
        </InfoCard>
      </Grid>
    </Grid>
  );
};

export interface CapacityPageProps {
  /** How often the figures refresh; the trend refreshes six times slower. */
  refreshIntervalMs?: number;
}

export const CapacityPage = ({
  refreshIntervalMs = 5000,
}: CapacityPageProps) => {
  const api = useApi(gpuFleetApiRef);
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => filtersFromSearch(params), [params]);
  const filterKey = JSON.stringify(filters);
  const trendWindow = trendWindowFromSearch(params);
  const filtered = FILTER_KEYS.some(key => filters[key] !== undefined);

  const capacity = usePolledAsync(
    () => api.getCapacity(['provider', 'gpuType'], filters),
    [api, filterKey],
    refreshIntervalMs,
  );
  const history = usePolledAsync(
    () => {
      const to = new Date();
      const from = new Date(to.getTime() - TREND_WINDOWS[trendWindow].ms);
      return api.getCapacityHistory([], { from, to }, filters);
    },
    [api, filterKey, trendWindow],
    refreshIntervalMs * 6,
  );
  // Options for the filters; they change rarely.
  const gpuTypes = usePolledAsync(async () => {
    const all = await api.getCapacity(['gpuType']);
    return all.rows.flatMap(r => (r.key.gpuType ? [r.key.gpuType] : []));
  }, [api]);
  const clusters = usePolledAsync(
    async () => (await api.listClusters()).map(c => c.name),
    [api],
  );

  const setFilter = (key: string, value: string) =>
    setParams(withSearchParam(params, key, value));
  const clearFilters = () => {
    const next = new URLSearchParams(params);
    FILTER_KEYS.forEach(key => next.delete(key));
    setParams(next);
  };

  let body;
  if (capacity.loading && !capacity.value) {
    body = <Progress />;
  } else if (!capacity.value) {
    body = (
      <ApiErrorPanel
        title="Could not load GPU capacity"
        error={capacity.error ?? new Error('no answer')}
      />
    );
  } else if (capacity.value.rows.length === 0) {
    body = filtered ? (
      <EmptyState
        missing="data"
        title="No GPUs match these filters"
        description="Widen the filters to see more of the fleet."
        action={
          <Button variant="contained" color="primary" onClick={clearFilters}>
            Clear filters
          </Button>
        }
      />
    ) : (
      <EmptyState
        missing="data"
        title="No GPUs reported yet"
        description="GPU capacity appears here once an attached cluster's agent reports its nodes."
      />
    );
  } else {
    const points = history.value ? pooledHistory(history.value) : [];
    body = (
      <>
        <CapacityFigures capacity={capacity.value} />
        <Box mt={3}>
          <InfoCard
            title="Utilisation trend"
            subheader={TREND_WINDOWS[trendWindow].label}
          >
            {history.loading && !history.value && <Progress />}
            {history.error && (
              <Typography color="error" role="alert">
                Could not load the trend: {errorMessage(history.error)}
              </Typography>
            )}
            {history.value && <UtilisationTrend points={points} />}
          </InfoCard>
        </Box>
      </>
    );
  }

  return (
    <GpuFleetLayout
      title="GPU capacity"
      subtitle="Total, allocated and free GPUs by provider and GPU type, with what they cost"
    >
      <CapacityFilterBar
        filters={filters}
        gpuTypes={gpuTypes.value ?? []}
        clusters={clusters.value ?? []}
        trendWindow={trendWindow}
        onChange={setFilter}
        onClear={clearFilters}
      />
      {capacity.value && (
        <Box display="flex" alignItems="center" mb={2} flexWrap="wrap">
          <Typography variant="body2" color="textSecondary">
            Updated {formatDateTime(capacity.updatedAt ?? null)}; refreshes
            every {Math.round(refreshIntervalMs / 1000)} seconds.
          </Typography>
          <Box ml={2}>
            <Button size="small" variant="outlined" onClick={capacity.refresh}>
              Refresh now
            </Button>
          </Box>
        </Box>
      )}
      {capacity.value && capacity.error && (
        <Box mb={2}>
          <WarningPanel
            severity="warning"
            title="The latest refresh failed; these figures may be out of date"
            message={errorMessage(capacity.error)}
          />
        </Box>
      )}
      {body}
    </GpuFleetLayout>
  );
};
