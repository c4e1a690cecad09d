import { Link } from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import { Box, Typography } from '@material-ui/core';
import Alert from '@material-ui/lab/Alert';
import type { AttachClusterResponse } from '@gpu-fleet/plugin-gpu-fleet-common';
import { clusterRouteRef } from '../../routes';
import { CopyableBlock } from '../shared/CopyableBlock';
import { DemoClusterCommand } from './DemoClusterCommand';

export const InstallStep = ({
  response,
}: {
  response: AttachClusterResponse;
}) => {
  const clusterLink = useRouteRef(clusterRouteRef);
  const { cluster, install, warnings } = response;
  return (
    <>
      <Box mb={2}>
        <Alert severity="success">
          Cluster {cluster.name} is attached and waits for its agent.
        </Alert>
      </Box>
      {warnings.map(warning => (
        <Box key={warning} mb={1}>
          <Alert severity="warning">{warning}</Alert>
        </Box>
      ))}
      <Box mb={2}>
        <Alert severity="warning">
          The token is shown only now. Copy the install command (it contains the
          token) before you leave this page.
        </Alert>
      </Box>
      <Typography variant="body2" paragraph>
        Run this with a kubeconfig for the cluster. The agent installs into the{' '}
        <code>{install.namespace}</code> namespace as the{' '}
        <code>{install.releaseName}</code> release of{' '}
        <code>{install.chart}</code> and dials out to the portal; no inbound
        port is needed.
      </Typography>
      <CopyableBlock label="Install command" text={install.command} />
      <CopyableBlock label="Values file" text={install.valuesYaml} />
      <CopyableBlock label="Cluster token" text={response.token} />
      {response.demoCluster && (
        <DemoClusterCommand
          response={response}
          portalUrl={response.demoCluster.portalUrl}
        />
      )}
      <Link to={clusterLink({ name: cluster.name })}>
        Open the page of {cluster.displayName}
      </Link>
    </>
  );
};
