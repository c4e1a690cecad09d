import { Breadcrumbs, Link, Progress } from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { Box, Grid, Typography } from '@material-ui/core';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { gpuFleetApiRef } from '../../api/GpuFleetApi';
import { usePolledAsync } from '../../hooks/usePolledAsync';
import { workspacesRouteRef } from '../../routes';
import { ApiErrorPanel } from '../shared/ApiErrorPanel';
import { GpuFleetLayout } from '../shared/GpuFleetLayout';
import { DefaultsCard } from './DefaultsCard';
import { DeleteWorkspaceButton } from './DeleteWorkspaceButton';
import { GpuQuotaCard } from './GpuQuotaCard';
import { MembersCard } from './MembersCard';
import { MembersDialog } from './MembersDialog';
import { NamespaceCard } from './NamespaceCard';
import { OciPolicyCard } from './OciPolicyCard';
import { ServiceAccountCard } from './ServiceAccountCard';
import { SettingsDialog } from './SettingsDialog';
import { WorkspaceDeploymentsCard } from './WorkspaceDeploymentsCard';
import { WorkspaceDetailsCard } from './WorkspaceDetailsCard';

type Editing = 'members' | 'settings' | undefined;

/**
 * One workspace. Editing controls appear only for what the caller may do
 * there, as the API's `access` says; everyone else gets a read-only page.
 */
export const WorkspacePage = ({
  refreshIntervalMs = 10_000,
}: {
  refreshIntervalMs?: number;
}) => {
  const { name = '' } = useParams();
  const api = useApi(gpuFleetApiRef);
  const navigate = useNavigate();
  const workspacesLink = useRouteRef(workspacesRouteRef);
  const [editing, setEditing] = useState<Editing>();

  const workspace = usePolledAsync(
    () => api.getWorkspace(name),
    [api, name],
    refreshIntervalMs,
  );
  const namespace = usePolledAsync(
    () => api.getWorkspaceNamespace(name),
    [api, name],
    refreshIntervalMs,
  );
  const clusterName = workspace.value?.cluster;
  // For the provider: its identity fields and, on OKE, the policy card.
  const cluster = usePolledAsync(
    async () => (clusterName ? api.getCluster(clusterName) : undefined),
    [api, clusterName],
  );

  const saved = () => {
    setEditing(undefined);
    workspace.refresh();
    namespace.refresh();
  };

  let content;
  let actions;
  if (workspace.loading && !workspace.value) {
    content = <Progress />;
  } else if (!workspace.value) {
    const notFound =
      workspace.error instanceof ResponseError &&
      workspace.error.statusCode === 404;
    content = (
      <ApiErrorPanel
        title={
          notFound ? 'Workspace not found' : 'Could not load the workspace'
        }
        error={workspace.error ?? new Error('no answer')}
      />
    );
  } else {
    const current = workspace.value;
    const provider = cluster.value?.provider;
    const { administer } = current.access;
    actions = current.access.delete && (
      <DeleteWorkspaceButton
        workspace={current}
        onDeleted={() => navigate(workspacesLink())}
      />
    );
    content = (
      <>
        <Grid container spacing={3}>
          <Grid item xs={12} md={6}>
            <WorkspaceDetailsCard workspace={current} cluster={cluster.value} />
          </Grid>
          <Grid item xs={12} md={6}>
            <GpuQuotaCard workspace={current} namespace={namespace} />
          </Grid>
          <Grid item xs={12}>
            <WorkspaceDeploymentsCard
              workspace={current}
              refreshIntervalMs={refreshIntervalMs}
            />
          </Grid>
          <Grid item xs={12} md={6}>
            <MembersCard
              workspace={current}
              onEdit={administer ? () => setEditing('members') : undefined}
            />
          </Grid>
          <Grid item xs={12} md={6}>
            <DefaultsCard
              workspace={current}
              onEdit={administer ? () => setEditing('settings') : undefined}
            />
          </Grid>
          <Grid item xs={12} md={6}>
            <NamespaceCard workspace={current} namespace={namespace} />
          </Grid>
          <Grid item xs={12} md={6}>
            <ServiceAccountCard
              workspace={current}
              namespace={namespace}
              provider={provider}
            />
          </Grid>
          {provider === 'oke' && (
            <Grid item xs={12}>
              <OciPolicyCard workspace={current} />
            </Grid>
          )}
        </Grid>
        {administer && editing === 'members' && (
          <MembersDialog
            workspace={current}
            onClose={() => setEditing(undefined)}
            onSaved={saved}
          />
        )}
        {administer && editing === 'settings' && (
          <SettingsDialog
            workspace={current}
            provider={provider}
            onClose={() => setEditing(undefined)}
            onSaved={saved}
          />
        )}
      </>
    );
  }

  return (
    <GpuFleetLayout
      title={workspace.value?.displayName ?? name}
      subtitle={`Workspace ${name}`}
    >
      <Box
        mb={2}
        display="flex"
        flexWrap="wrap"
        alignItems="flex-start"
        justifyContent="space-between"
      >
        <Breadcrumbs aria-label="breadcrumb">
          <Link to={workspacesLink()}>Workspaces</Link>
          <Typography>{name}</Typography>
        </Breadcrumbs>
        {actions}
      </Box>
      {content}
    </GpuFleetLayout>
  );
};
