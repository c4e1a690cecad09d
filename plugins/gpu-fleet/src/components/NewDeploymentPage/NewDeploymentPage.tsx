import { Breadcrumbs, Link } from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import { Box, Typography } from '@material-ui/core';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { gpuFleetApiRef } from '../../api/GpuFleetApi';
import { usePolledAsync } from '../../hooks/usePolledAsync';
import { deploymentRouteRef, deploymentsRouteRef } from '../../routes';
import { GpuFleetLayout } from '../shared/GpuFleetLayout';
import { DeploymentFormCard } from './DeploymentFormCard';
import { buildManifest, emptyDeploymentForm } from './deploymentFormModel';

/**
 * The form for a vLLM service or an MPIJob run: previewed as the files a
 * commit would hold, then created and followed on its own page.
 */
export const NewDeploymentPage = () => {
  const api = useApi(gpuFleetApiRef);
  const navigate = useNavigate();
  const deploymentLink = useRouteRef(deploymentRouteRef);
  const deploymentsLink = useRouteRef(deploymentsRouteRef);
  const [searchParams] = useSearchParams();

  const workspaces = usePolledAsync(() => api.listWorkspaces(), [api]);
  const deployable = (workspaces.value ?? []).filter(w => w.access.deploy);

  return (
    <GpuFleetLayout
      title="New deployment"
      subtitle="A vLLM service or an MPIJob training run, committed to Git and delivered to the workspace's cluster"
    >
      <Box mb={2}>
        <Breadcrumbs aria-label="breadcrumb">
          <Link to={deploymentsLink()}>Deployments</Link>
          <Typography>New</Typography>
        </Breadcrumbs>
      </Box>
      <DeploymentFormCard
        mode="create"
        initial={emptyDeploymentForm(searchParams.get('workspace') ?? '')}
        workspaces={deployable}
        workspacesLoaded={!!workspaces.value}
        manifestOf={buildManifest}
        save={async manifest => {
          const created = await api.createDeployment(manifest);
          navigate(
            deploymentLink({
              workspace: created.workspace,
              name: created.name,
            }),
          );
        }}
      />
    </GpuFleetLayout>
  );
};
