import { Breadcrumbs, Link, Progress } from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { Box, Typography } from '@material-ui/core';
import Alert from '@material-ui/lab/Alert';
import { useNavigate, useParams } from 'react-router-dom';
import { gpuFleetApiRef } from '../../api/GpuFleetApi';
import { usePolledAsync } from '../../hooks/usePolledAsync';
import { deploymentRouteRef, deploymentsRouteRef } from '../../routes';
import { DeploymentFormCard } from '../NewDeploymentPage/DeploymentFormCard';
import {
  buildManifest,
  editedManifest,
  formFromManifest,
} from '../NewDeploymentPage/deploymentFormModel';
import { ApiErrorPanel } from '../shared/ApiErrorPanel';
import { GpuFleetLayout } from '../shared/GpuFleetLayout';

/**
 * The new-deployment form on a deployment's current manifest: saving
 * sends the whole manifest as a new revision, and choosing another cluster
 * retargets it in the same step.
 */
export const EditDeploymentPage = () => {
  const { workspace = '', name = '' } = useParams();
  const api = useApi(gpuFleetApiRef);
  const navigate = useNavigate();
  const deploymentLink = useRouteRef(deploymentRouteRef);
  const deploymentsLink = useRouteRef(deploymentsRouteRef);

  // Read once: the form must not move under the person editing it.
  const deployment = usePolledAsync(
    () => api.getDeployment(workspace, name),
    [api, workspace, name],
  );
  const workspaceView = usePolledAsync(
    () => api.getWorkspace(workspace),
    [api, workspace],
  );
  const clusters = usePolledAsync(() => api.listClusters(), [api]);

  const current = deployment.value;
  let content;
  if (deployment.loading && !current) {
    content = <Progress />;
  } else if (!current) {
    const notFound =
      deployment.error instanceof ResponseError &&
      deployment.error.statusCode === 404;
    content = (
      <ApiErrorPanel
        title={
          notFound ? 'Deployment not found' : 'Could not load the deployment'
        }
        error={deployment.error ?? new Error('no answer')}
      />
    );
  } else if (!current.access.update) {
    content = (
      <Alert severity="info">
        You may read deployment {name} but not change it.
      </Alert>
    );
  } else {
    const own = workspaceView.value;
    content = (
      <>
        {workspaceView.error && !own && (
          <Box mb={2}>
            <ApiErrorPanel
              title={`Could not load workspace ${workspace}`}
              error={workspaceView.error}
            />
          </Box>
        )}
        <DeploymentFormCard
          key={current.uid}
          mode="edit"
          initial={formFromManifest(current.manifest)}
          workspaces={own ? [own] : []}
          workspacesLoaded={!!own}
          clusters={clusters.value}
          manifestOf={form => {
            const built = buildManifest(form);
            return 'request' in built
              ? {
                  request: editedManifest(
                    current.manifest,
                    built.request,
                    own?.cluster,
                  ),
                  issues: [],
                }
              : built;
          }}
          save={async manifest => {
            await api.updateDeployment(workspace, name, manifest);
            navigate(deploymentLink({ workspace, name }));
          }}
        />
      </>
    );
  }

  return (
    <GpuFleetLayout
      title={`Edit ${name}`}
      subtitle={`Deployment in workspace ${workspace}: saving commits a new revision`}
    >
      <Box mb={2}>
        <Breadcrumbs aria-label="breadcrumb">
          <Link to={deploymentsLink()}>Deployments</Link>
          <Link to={deploymentLink({ workspace, name })}>{name}</Link>
          <Typography>Edit</Typography>
        </Breadcrumbs>
      </Box>
      {content}
    </GpuFleetLayout>
  );
};
