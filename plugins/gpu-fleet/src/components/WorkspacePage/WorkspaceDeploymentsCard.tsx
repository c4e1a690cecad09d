import { InfoCard, Progress, Table } from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import { Typography } from '@material-ui/core';
import type {
  DeploymentView,
  WorkspaceView,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { useMemo } from 'react';
import { gpuFleetApiRef } from '../../api/GpuFleetApi';
import { usePolledAsync } from '../../hooks/usePolledAsync';
import { deploymentsRouteRef, newDeploymentRouteRef } from '../../routes';
import { deploymentColumns } from '../DeploymentsPage/deploymentColumns';
import { ApiErrorPanel } from '../shared/ApiErrorPanel';
import { ButtonLink } from '../shared/ButtonLink';

/** The workspace's deployments, and a way to add one for those who may deploy. */
export const WorkspaceDeploymentsCard = ({
  workspace,
  refreshIntervalMs,
}: {
  workspace: WorkspaceView;
  refreshIntervalMs: number;
}) => {
  const api = useApi(gpuFleetApiRef);
  const newDeploymentLink = useRouteRef(newDeploymentRouteRef);
  const deploymentsLink = useRouteRef(deploymentsRouteRef);
  const name = workspace.name;
  const deployments = usePolledAsync(
    () => api.listDeployments({ workspace: name }),
    [api, name],
    refreshIntervalMs,
  );
  const columns = useMemo(() => deploymentColumns({ workspace: false }), []);
  const query = `?${new URLSearchParams({ workspace: name })}`;

  let content;
  if (deployments.loading && !deployments.value) {
    content = <Progress />;
  } else if (!deployments.value) {
    content = (
      <ApiErrorPanel
        title="Could not load the deployments"
        error={deployments.error ?? new Error('no answer')}
      />
    );
  } else if (deployments.value.length === 0) {
    content = (
      <Typography color="textSecondary">
        No deployments in this workspace yet.
      </Typography>
    );
  } else {
    content = (
      <Table<DeploymentView>
        // A plain listing: the page's controls are only what the caller may change.
        options={{
          toolbar: false,
          paging: false,
          sorting: false,
          search: false,
          draggable: false,
        }}
        columns={columns}
        data={deployments.value}
      />
    );
  }

  return (
    <InfoCard
      title="Deployments"
      action={
        workspace.access.deploy ? (
          <ButtonLink
            variant="contained"
            color="primary"
            to={`${newDeploymentLink()}${query}`}
          >
            New deployment
          </ButtonLink>
        ) : undefined
      }
      deepLink={{
        title: 'All deployments of this workspace',
        link: `${deploymentsLink()}${query}`,
      }}
    >
      {content}
    </InfoCard>
  );
};
