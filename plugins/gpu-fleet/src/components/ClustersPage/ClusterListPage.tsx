import {
  EmptyState,
  Link,
  Progress,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import {
  Box,
  Checkbox,
  FormControlLabel,
  MenuItem,
  TextField,
} from '@material-ui/core';
import {
  Cluster,
  CLUSTER_STATUSES,
  ClusterStatus,
  isProviderId,
  PROVIDER_IDS,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { useSearchParams } from 'react-router-dom';
import { gpuFleetApiRef } from '../../api/GpuFleetApi';
import { usePolledAsync } from '../../hooks/usePolledAsync';
import { attachClusterRouteRef, clusterRouteRef } from '../../routes';
import { ApiErrorPanel } from '../shared/ApiErrorPanel';
import { ClusterStatusLabel } from '../shared/ClusterStatusLabel';
import { formatDateTime, providerTitle } from '../shared/formatters';
import { ButtonLink } from '../shared/ButtonLink';
import { GpuFleetLayout } from '../shared/GpuFleetLayout';
import { withSearchParam } from '../shared/searchParams';

const ClusterNameLink = ({ cluster }: { cluster: Cluster }) => {
  const clusterLink = useRouteRef(clusterRouteRef);
  return (
    <Link to={clusterLink({ name: cluster.name })}>{cluster.displayName}</Link>
  );
};

const columns: TableColumn<Cluster>[] = [
  {
    title: 'Name',
    field: 'displayName',
    highlight: true,
    render: cluster => <ClusterNameLink cluster={cluster} />,
  },
  { title: 'ID', field: 'name' },
  {
    title: 'Provider',
    field: 'provider',
    render: cluster => providerTitle(cluster.provider),
  },
  { title: 'Region', field: 'region', emptyValue: '—' },
  {
    title: 'Status',
    field: 'status',
    render: cluster => <ClusterStatusLabel cluster={cluster} />,
  },
  { title: 'Agent', field: 'agentVersion', emptyValue: '—' },
  { title: 'Kubernetes', field: 'kubernetesVersion', emptyValue: '—' },
  {
    title: 'Last seen',
    field: 'lastSeenAt',
    render: cluster => formatDateTime(cluster.lastSeenAt),
  },
];

export const ClusterListPage = ({
  refreshIntervalMs = 10_000,
}: {
  refreshIntervalMs?: number;
}) => {
  const api = useApi(gpuFleetApiRef);
  const attachLink = useRouteRef(attachClusterRouteRef);
  const [params, setParams] = useSearchParams();
  const providerParam = params.get('provider') ?? '';
  const provider = isProviderId(providerParam) ? providerParam : undefined;
  const statusParam = params.get('status') ?? '';
  const status = (CLUSTER_STATUSES as readonly string[]).includes(statusParam)
    ? (statusParam as ClusterStatus)
    : undefined;
  const showDetached = params.get('detached') === 'show';

  const clusters = usePolledAsync(
    () => api.listClusters({ provider, status }),
    [api, provider, status],
    refreshIntervalMs,
  );
  const set = (key: string, value: string) =>
    setParams(withSearchParam(params, key, value));

  let content;
  if (clusters.loading && !clusters.value) {
    content = <Progress />;
  } else if (!clusters.value) {
    content = (
      <ApiErrorPanel
        title="Could not load clusters"
        error={clusters.error ?? new Error('no answer')}
      />
    );
  } else {
    const shown = clusters.value.filter(c => showDetached || !c.detachedAt);
    content =
      shown.length === 0 && !provider && !status ? (
        <EmptyState
          missing="content"
          title="No clusters attached yet"
          description="Attach a Kubernetes cluster to see it here."
          action={
            <ButtonLink to={attachLink()} variant="contained" color="primary">
              Attach a cluster
            </ButtonLink>
          }
        />
      ) : (
        <Table<Cluster>
          title={`Clusters (${shown.length})`}
          options={{ paging: shown.length > 20, pageSize: 20, search: true }}
          columns={columns}
          data={shown}
          emptyContent={<Box p={2}>No clusters match these filters.</Box>}
        />
      );
  }

  return (
    <GpuFleetLayout
      title="Clusters"
      subtitle="Attached Kubernetes clusters and their agents"
    >
      <Box display="flex" flexWrap="wrap" alignItems="center" mb={2}>
        <Box mr={2} mb={1} minWidth={200}>
          <TextField
            id="clusters-filter-provider"
            select
            fullWidth
            size="small"
            variant="outlined"
            label="Provider"
            value={provider ?? ''}
            onChange={e => set('provider', e.target.value)}
          >
            <MenuItem value="">All providers</MenuItem>
            {PROVIDER_IDS.map(p => (
              <MenuItem key={p} value={p}>
                {providerTitle(p)}
              </MenuItem>
            ))}
          </TextField>
        </Box>
        <Box mr={2} mb={1} minWidth={180}>
          <TextField
            id="clusters-filter-status"
            select
            fullWidth
            size="small"
            variant="outlined"
            label="Status"
            value={status ?? ''}
            onChange={e => set('status', e.target.value)}
          >
            <MenuItem value="">All statuses</MenuItem>
            {CLUSTER_STATUSES.map(s => (
              <MenuItem key={s} value={s}>
                {s}
              </MenuItem>
            ))}
          </TextField>
        </Box>
        <Box mr={2} mb={1}>
          <FormControlLabel
            control={
              <Checkbox
                checked={showDetached}
                onChange={e => set('detached', e.target.checked ? 'show' : '')}
              />
            }
            label="Show detached clusters"
          />
        </Box>
        <Box flexGrow={1} />
        <Box mb={1}>
          <ButtonLink to={attachLink()} variant="contained" color="primary">
            Attach a cluster
          </ButtonLink>
        </Box>
      </Box>
      {content}
    </GpuFleetLayout>
  );
};
