import { Breadcrumbs, Link, Progress } from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { Box, Button, Grid, Typography } from '@material-ui/core';
import type { ObservedPod } from '@gpu-fleet/plugin-gpu-fleet-common';
import { useEffect, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { gpuFleetApiRef } from '../../api/GpuFleetApi';
import { usePolledAsync } from '../../hooks/usePolledAsync';
import {
  deploymentsRouteRef,
  editDeploymentRouteRef,
  workspaceRouteRef,
} from '../../routes';
import { ApiErrorPanel } from '../shared/ApiErrorPanel';
import { ButtonLink } from '../shared/ButtonLink';
import { GpuFleetLayout } from '../shared/GpuFleetLayout';
import { ConditionsCard } from './ConditionsCard';
import { DeleteDeploymentButton } from './DeleteDeploymentButton';
import { DeliveryCard } from './DeliveryCard';
import { DeploymentAlerts } from './DeploymentAlerts';
import { DeploymentStatusCard } from './DeploymentStatusCard';
import { EventsCard } from './EventsCard';
import { PodLogDialog } from './PodLogDialog';
import { PodsCard } from './PodsCard';
import { RetargetDialog } from './RetargetDialog';
import { RevisionsCard } from './RevisionsCard';

/**
 * One deployment as its cluster reports it, with its delivery and its
 * revisions. It is read again every few seconds, so the page follows a
 * rollout or a retarget as it happens.
 */
export const DeploymentPage = ({
  refreshIntervalMs = 2_500,
}: {
  refreshIntervalMs?: number;
}) => {
  const { workspace = '', name = '' } = useParams();
  const api = useApi(gpuFleetApiRef);
  const navigate = useNavigate();
  const deploymentsLink = useRouteRef(deploymentsRouteRef);
  const workspaceLink = useRouteRef(workspaceRouteRef);
  const editLink = useRouteRef(editDeploymentRouteRef);
  const [retargeting, setRetargeting] = useState(false);
  const [logPod, setLogPod] = useState<ObservedPod>();

  const deployment = usePolledAsync(
    () => api.getDeployment(workspace, name),
    [api, workspace, name],
    refreshIntervalMs,
  );
  const revisions = usePolledAsync(
    () => api.listDeploymentRevisions(workspace, name),
    [api, workspace, name],
    refreshIntervalMs * 4,
  );
  // A new revision, or its commit being made, shows in the table at once.
  const current = deployment.value;
  const revisionKey = current
    ? `${current.revision}/${current.delivery.state}/${current.appliedCommit}`
    : undefined;
  const refreshRevisions = revisions.refresh;
  useEffect(() => {
    if (revisionKey) refreshRevisions();
  }, [revisionKey, refreshRevisions]);

  let content;
  let actions;
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
  } else {
    const status = current.status;
    actions = (
      <Box display="flex" alignItems="flex-start">
        {current.access.update && current.delivery.state !== 'deleting' && (
          <Box mr={1}>
            <ButtonLink
              to={editLink({ workspace, name })}
              variant="outlined"
              color="primary"
            >
              Edit
            </ButtonLink>
          </Box>
        )}
        {current.access.update && (
          <Box mr={1}>
            <Button
              variant="outlined"
              color="primary"
              disabled={current.delivery.state === 'deleting'}
              onClick={() => setRetargeting(true)}
            >
              Retarget
            </Button>
          </Box>
        )}
        {current.access.delete && (
          <DeleteDeploymentButton
            deployment={current}
            onDeleted={() =>
              navigate(
                `${deploymentsLink()}?${new URLSearchParams({ workspace })}`,
              )
            }
          />
        )}
      </Box>
    );
    content = (
      <>
        <DeploymentAlerts deployment={current} />
        <Grid container spacing={3}>
          <Grid item xs={12} md={6}>
            <DeploymentStatusCard deployment={current} />
          </Grid>
          <Grid item xs={12} md={6}>
            <DeliveryCard deployment={current} />
          </Grid>
          {status && (
            <>
              <Grid item xs={12}>
                <PodsCard pods={status.pods} onLogs={setLogPod} />
              </Grid>
              <Grid item xs={12}>
                <EventsCard events={status.events} />
              </Grid>
              <Grid item xs={12}>
                <ConditionsCard
                  title={
                    current.template === 'mpijob'
                      ? 'MPIJob conditions'
                      : 'Deployment conditions'
                  }
                  conditions={status.conditions}
                />
              </Grid>
            </>
          )}
          <Grid item xs={12}>
            <RevisionsCard
              workspace={workspace}
              name={name}
              revisions={revisions}
            />
          </Grid>
        </Grid>
        {retargeting && (
          <RetargetDialog
            deployment={current}
            onClose={() => setRetargeting(false)}
            onRetargeted={() => {
              setRetargeting(false);
              deployment.refresh();
              revisions.refresh();
            }}
          />
        )}
        {logPod && (
          <PodLogDialog
            deployment={current}
            pod={logPod}
            onClose={() => setLogPod(undefined)}
          />
        )}
      </>
    );
  }

  return (
    <GpuFleetLayout
      title={name}
      subtitle={`Deployment in workspace ${workspace}`}
    >
      <Box
        mb={2}
        display="flex"
        flexWrap="wrap"
        alignItems="flex-start"
        justifyContent="space-between"
      >
        <Breadcrumbs aria-label="breadcrumb">
          <Link to={deploymentsLink()}>Deployments</Link>
          <Link to={workspaceLink({ name: workspace })}>{workspace}</Link>
          <Typography>{name}</Typography>
        </Breadcrumbs>
        {actions}
      </Box>
      {content}
    </GpuFleetLayout>
  );
};
