import { Breadcrumbs, Link, Progress } from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import { Box, Grid, Typography } from '@material-ui/core';
import { ResponseError } from '@backstage/errors';
import { usePermission } from '@backstage/plugin-permission-react';
import { gpuFleetClusterUpdatePermission } from '@gpu-fleet/plugin-gpu-fleet-common';
import { useState } from 'react';
import { useParams } from 'react-router-dom';
import { gpuFleetApiRef } from '../../api/GpuFleetApi';
import { usePolledAsync } from '../../hooks/usePolledAsync';
import { clustersRouteRef } from '../../routes';
import { ApiErrorPanel } from '../shared/ApiErrorPanel';
import { GpuFleetLayout } from '../shared/GpuFleetLayout';
import { AddonsCard } from './AddonsCard';
import { AuditLogCard } from './AuditLogCard';
import { ClusterDetailsCard } from './ClusterDetailsCard';
import { NodePoolsCard } from './NodePoolsCard';
import { PrerequisitesCard } from './PrerequisitesCard';
import { TokenCard } from './TokenCard';

const AUDIT_PAGE = 50;

export const ClusterPage = ({
  refreshIntervalMs = 10_000,
}: {
  refreshIntervalMs?: number;
}) => {
  const { name = '' } = useParams();
  const api = useApi(gpuFleetApiRef);
  const clustersLink = useRouteRef(clustersRouteRef);
  const [auditLimit, setAuditLimit] = useState(AUDIT_PAGE);

  const cluster = usePolledAsync(
    () => api.getCluster(name),
    [api, name],
    refreshIntervalMs,
  );
  const prerequisites = usePolledAsync(
    () => api.getPrerequisites(name),
    [api, name],
    refreshIntervalMs * 3,
  );
  const inventory = usePolledAsync(
    () => api.getClusterInventory(name),
    [api, name],
    refreshIntervalMs,
  );
  // The log names objects in every workspace's namespace: fleet admins only.
  const auditAccess = usePermission({
    permission: gpuFleetClusterUpdatePermission,
    resourceRef: name,
  });
  const audit = usePolledAsync(
    () =>
      auditAccess.allowed
        ? api.getAudit(name, { limit: auditLimit })
        : Promise.resolve([]),
    [api, name, auditLimit, auditAccess.allowed],
  );

  const breadcrumbs = (
    <Box mb={2}>
      <Breadcrumbs aria-label="breadcrumb">
        <Link to={clustersLink()}>Clusters</Link>
        <Typography>{name}</Typography>
      </Breadcrumbs>
    </Box>
  );

  let content;
  if (cluster.loading && !cluster.value) {
    content = <Progress />;
  } else if (!cluster.value) {
    const notFound =
      cluster.error instanceof ResponseError &&
      cluster.error.statusCode === 404;
    content = (
      <ApiErrorPanel
        title={notFound ? 'Cluster not found' : 'Could not load the cluster'}
        error={cluster.error ?? new Error('no answer')}
      />
    );
  } else {
    const current = cluster.value;
    const afterTokenChange = () => {
      cluster.refresh();
      audit.refresh();
    };
    content = (
      <Grid container spacing={3}>
        <Grid item xs={12} md={6}>
          <ClusterDetailsCard cluster={current} />
        </Grid>
        <Grid item xs={12} md={6}>
          <PrerequisitesCard prerequisites={prerequisites} />
        </Grid>
        <Grid item xs={12}>
          <NodePoolsCard inventory={inventory} />
        </Grid>
        <Grid item xs={12} md={6}>
          <AddonsCard cluster={current} />
        </Grid>
        <Grid item xs={12} md={6}>
          <TokenCard cluster={current} onChanged={afterTokenChange} />
        </Grid>
        {auditAccess.allowed && (
          <Grid item xs={12}>
            <AuditLogCard
              audit={audit}
              pageSize={auditLimit}
              onShowMore={() =>
                setAuditLimit(l => Math.min(500, l + AUDIT_PAGE))
              }
            />
          </Grid>
        )}
      </Grid>
    );
  }

  return (
    <GpuFleetLayout
      title={cluster.value?.displayName ?? name}
      subtitle={`Cluster ${name}`}
    >
      {breadcrumbs}
      {content}
    </GpuFleetLayout>
  );
};
