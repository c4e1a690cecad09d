import { EmptyState, Progress, Table } from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import { Box } from '@material-ui/core';
import { useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import type { DeploymentView } from '@gpu-fleet/plugin-gpu-fleet-common';
import { gpuFleetApiRef } from '../../api/GpuFleetApi';
import { usePolledAsync } from '../../hooks/usePolledAsync';
import { newDeploymentRouteRef } from '../../routes';
import { ApiErrorPanel } from '../shared/ApiErrorPanel';
import { ButtonLink } from '../shared/ButtonLink';
import { GpuFleetLayout } from '../shared/GpuFleetLayout';
import { withSearchParam } from '../shared/searchParams';
import { deploymentColumns } from './deploymentColumns';
import { WorkspaceFilter } from './WorkspaceFilter';

/** Deployments across the fleet, or in one workspace (`?workspace=`). */
export const DeploymentListPage = ({
  refreshIntervalMs = 5_000,
}: {
  refreshIntervalMs?: number;
}) => {
  const api = useApi(gpuFleetApiRef);
  const newDeploymentLink = useRouteRef(newDeploymentRouteRef);
  const [searchParams, setSearchParams] = useSearchParams();
  const workspace = searchParams.get('workspace') ?? '';
  const deployments = usePolledAsync(
    () => api.listDeployments(workspace ? { workspace } : {}),
    [api, workspace],
    refreshIntervalMs,
  );
  const workspaces = usePolledAsync(() => api.listWorkspaces(), [api]);
  const columns = useMemo(() => deploymentColumns({ workspace: true }), []);

  const deployable = (workspaces.value ?? []).filter(
    w => w.access.deploy && (!workspace || w.name === workspace),
  );
  const newButton =
    deployable.length > 0 ? (
      <ButtonLink
        variant="contained"
        color="primary"
        to={`${newDeploymentLink()}${
          workspace ? `?${new URLSearchParams({ workspace })}` : ''
        }`}
      >
        New deployment
      </ButtonLink>
    ) : null;

  let content;
  if (deployments.loading && !deployments.value) {
    content = <Progress />;
  } else if (!deployments.value) {
    content = (
      <ApiErrorPanel
        title="Could not load deployments"
        error={deployments.error ?? new Error('no answer')}
      />
    );
  } else if (deployments.value.length === 0) {
    content = (
      <EmptyState
        missing="content"
        title={
          workspace
            ? `No deployments in workspace ${workspace}`
            : 'No deployments yet'
        }
        description="A deployment is a vLLM service or an MPIJob training run, committed to Git and delivered to a workspace's cluster."
        action={newButton ?? undefined}
      />
    );
  } else {
    content = (
      <Table<DeploymentView>
        title={`Deployments (${deployments.value.length})`}
        options={{
          paging: deployments.value.length > 20,
          pageSize: 20,
          search: true,
        }}
        columns={columns}
        data={deployments.value}
      />
    );
  }

  return (
    <GpuFleetLayout
      title="Deployments"
      subtitle="vLLM services and MPIJob training runs across the fleet"
    >
      <Box
        mb={2}
        display="flex"
        flexWrap="wrap"
        alignItems="center"
        justifyContent="space-between"
      >
        <WorkspaceFilter
          value={workspace}
          workspaces={workspaces.value ?? []}
          onChange={value =>
            setSearchParams(withSearchParam(searchParams, 'workspace', value))
          }
        />
        {/* The empty state carries its own button. */}
        {deployments.value?.length !== 0 && newButton}
      </Box>
      {content}
    </GpuFleetLayout>
  );
};
