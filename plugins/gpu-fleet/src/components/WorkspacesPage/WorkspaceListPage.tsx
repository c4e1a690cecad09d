import {
  EmptyState,
  Link,
  Progress,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import { Box, Button } from '@material-ui/core';
import {
  gpuFleetWorkspaceCreatePermission,
  WorkspaceView,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { gpuFleetApiRef } from '../../api/GpuFleetApi';
import { usePolledAsync } from '../../hooks/usePolledAsync';
import { clusterRouteRef, workspaceRouteRef } from '../../routes';
import { ApiErrorPanel } from '../shared/ApiErrorPanel';
import { formatGpuQuota, formatYesNo } from '../shared/formatters';
import { GpuFleetLayout } from '../shared/GpuFleetLayout';
import { callerRole } from '../shared/workspaceRole';
import { CreateWorkspaceDialog } from './CreateWorkspaceDialog';

const WorkspaceNameLink = ({ name }: { name: string }) => {
  const workspaceLink = useRouteRef(workspaceRouteRef);
  return <Link to={workspaceLink({ name })}>{name}</Link>;
};

const ClusterLink = ({ name }: { name: string }) => {
  const clusterLink = useRouteRef(clusterRouteRef);
  return <Link to={clusterLink({ name })}>{name}</Link>;
};

const columns: TableColumn<WorkspaceView>[] = [
  {
    title: 'Name',
    field: 'name',
    highlight: true,
    render: workspace => <WorkspaceNameLink name={workspace.name} />,
  },
  { title: 'Display name', field: 'displayName' },
  {
    title: 'Cluster',
    field: 'cluster',
    render: workspace => <ClusterLink name={workspace.cluster} />,
  },
  { title: 'Namespace', field: 'namespace' },
  {
    title: 'GPU quota',
    customFilterAndSearch: (term: string, workspace: WorkspaceView) =>
      formatGpuQuota(workspace.gpuQuota)
        .toLowerCase()
        .includes(term.toLowerCase()),
    render: workspace => formatGpuQuota(workspace.gpuQuota),
  },
  {
    title: 'Privileged (RDMA)',
    field: 'allowPrivileged',
    render: workspace => formatYesNo(workspace.allowPrivileged),
  },
  {
    title: 'Your role',
    render: workspace => callerRole(workspace.access),
  },
];

export const WorkspaceListPage = ({
  refreshIntervalMs = 10_000,
}: {
  refreshIntervalMs?: number;
}) => {
  const api = useApi(gpuFleetApiRef);
  const navigate = useNavigate();
  const workspaceLink = useRouteRef(workspaceRouteRef);
  const canCreate = usePermission({
    permission: gpuFleetWorkspaceCreatePermission,
  });
  const [creating, setCreating] = useState(false);
  const workspaces = usePolledAsync(
    () => api.listWorkspaces(),
    [api],
    refreshIntervalMs,
  );

  const createButton = canCreate.allowed ? (
    <Button
      variant="contained"
      color="primary"
      onClick={() => setCreating(true)}
    >
      Create workspace
    </Button>
  ) : null;

  let content;
  if (workspaces.loading && !workspaces.value) {
    content = <Progress />;
  } else if (!workspaces.value) {
    content = (
      <ApiErrorPanel
        title="Could not load workspaces"
        error={workspaces.error ?? new Error('no answer')}
      />
    );
  } else if (workspaces.value.length === 0) {
    content = (
      <EmptyState
        missing="content"
        title="You have no workspaces yet"
        description={
          canCreate.allowed
            ? 'A workspace is a namespace on one cluster with its members, GPU quota and defaults. Create the first one.'
            : 'A workspace is a namespace on one cluster with its members, GPU quota and defaults. Fleet admins create workspaces and add their members: ask one to add you to yours.'
        }
        action={createButton ?? undefined}
      />
    );
  } else {
    content = (
      <Table<WorkspaceView>
        title={`Workspaces (${workspaces.value.length})`}
        options={{
          paging: workspaces.value.length > 20,
          pageSize: 20,
          search: true,
        }}
        columns={columns}
        data={workspaces.value}
      />
    );
  }

  return (
    <GpuFleetLayout
      title="Workspaces"
      subtitle="Namespaces on attached clusters, with their members, GPU quota and defaults"
    >
      {/* The empty state carries its own button. */}
      {createButton && workspaces.value?.length !== 0 && (
        <Box display="flex" justifyContent="flex-end" mb={2}>
          {createButton}
        </Box>
      )}
      {content}
      {creating && (
        <CreateWorkspaceDialog
          onClose={() => setCreating(false)}
          onCreated={workspace =>
            navigate(workspaceLink({ name: workspace.name }))
          }
        />
      )}
    </GpuFleetLayout>
  );
};
