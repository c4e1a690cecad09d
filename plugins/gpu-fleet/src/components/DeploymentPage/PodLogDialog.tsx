import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  Box,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  makeStyles,
  TextField,
  Typography,
} from '@material-ui/core';
import Alert from '@material-ui/lab/Alert';
import type {
  DeploymentView,
  ObservedPod,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { useId, useState } from 'react';
import { errorMessage } from '../../api/apiErrors';
import { gpuFleetApiRef } from '../../api/GpuFleetApi';
import { usePolledAsync } from '../../hooks/usePolledAsync';
import { ApiErrorPanel } from '../shared/ApiErrorPanel';
import { podContainers } from './podContainers';

/** Lines asked for: enough to see a failure, little enough to fetch each time. */
export const LOG_TAIL_LINES = 500;

const useStyles = makeStyles(theme => ({
  log: {
    margin: 0,
    padding: theme.spacing(1.5),
    maxHeight: '60vh',
    overflow: 'auto',
    whiteSpace: 'pre',
    fontFamily: 'monospace',
    fontSize: '0.8rem',
    background: theme.palette.background.default,
    border: `1px solid ${theme.palette.divider}`,
  },
}));

/** The last lines of one container's log, read through the kube proxy. */
export const PodLogDialog = ({
  deployment,
  pod,
  onClose,
}: {
  deployment: DeploymentView;
  pod: ObservedPod;
  onClose(): void;
}) => {
  const api = useApi(gpuFleetApiRef);
  const classes = useStyles();
  const titleId = useId();
  const containers = podContainers(deployment.manifest, pod);
  const [container, setContainer] = useState(containers[0]);
  const { cluster, namespace } = deployment;
  const log = usePolledAsync(
    () =>
      api.getPodLog(cluster, namespace, pod.name, {
        container,
        tailLines: LOG_TAIL_LINES,
      }),
    [api, cluster, namespace, pod.name, container],
  );

  let content;
  if (log.loading && log.value === undefined) {
    content = <Progress />;
  } else if (log.value === undefined) {
    content = (
      <ApiErrorPanel
        title="Could not read the log"
        error={log.error ?? new Error('no answer')}
      />
    );
  } else if (log.value === '') {
    content = (
      <Typography color="textSecondary">
        The container has logged nothing yet.
      </Typography>
    );
  } else {
    content = (
      // Focusable so keyboard users can scroll it.
      // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex
      <pre className={classes.log} aria-label="Log" tabIndex={0}>
        {log.value}
      </pre>
    );
  }

  return (
    <Dialog
      open
      onClose={onClose}
      aria-labelledby={titleId}
      maxWidth="lg"
      fullWidth
    >
      <DialogTitle id={titleId}>Log of {pod.name}</DialogTitle>
      <DialogContent>
        <Box display="flex" alignItems="center" mb={2}>
          {containers.length > 1 && (
            <Box minWidth={200} mr={2}>
              <TextField
                id={`${titleId}-container`}
                select
                SelectProps={{ native: true }}
                size="small"
                variant="outlined"
                label="Container"
                value={container}
                onChange={e => setContainer(e.target.value)}
              >
                {containers.map(name => (
                  <option key={name} value={name}>
                    {name}
                  </option>
                ))}
              </TextField>
            </Box>
          )}
          <Typography variant="body2" color="textSecondary">
            The last {LOG_TAIL_LINES} lines of container {container}.
          </Typography>
        </Box>
        {log.error && log.value !== undefined && (
          <Box mb={2}>
            <Alert severity="error" role="alert">
              Could not reload the log: {errorMessage(log.error)}
            </Alert>
          </Box>
        )}
        {content}
      </DialogContent>
      <DialogActions>
        <Button onClick={() => log.refresh()}>Reload</Button>
        <Button onClick={onClose} color="primary">
          Close
        </Button>
      </DialogActions>
    </Dialog>
  );
};
