import { Box } from '@material-ui/core';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import type { DeploymentView } from '@gpu-fleet/plugin-gpu-fleet-common';
import { pendingReason } from './pendingReason';

/**
 * What needs the reader's attention first: why a Pending deployment waits,
 * why it failed, or why delivery keeps failing.
 */
export const DeploymentAlerts = ({
  deployment,
}: {
  deployment: DeploymentView;
}) => {
  const { status, delivery } = deployment;
  const waiting = pendingReason(status);
  const attempts = `${delivery.attempts} ${
    delivery.attempts === 1 ? 'attempt' : 'attempts'
  }`;
  return (
    <>
      {waiting && (
        <Box mb={2}>
          <Alert severity="warning" aria-label="Why it is pending">
            <AlertTitle>Pending</AlertTitle>
            {waiting}
          </Alert>
        </Box>
      )}
      {status?.phase === 'Failed' && (
        <Box mb={2}>
          <Alert severity="error" aria-label="Why it failed">
            <AlertTitle>Failed</AlertTitle>
            {status.summary}
          </Alert>
        </Box>
      )}
      {delivery.error && (
        <Box mb={2}>
          <Alert severity="error" aria-label="Delivery problem">
            <AlertTitle>{`Still ${delivery.state} after ${attempts}`}</AlertTitle>
            <div>{delivery.error}</div>
            <div>GPU Fleet tries again by itself.</div>
          </Alert>
        </Box>
      )}
    </>
  );
};
