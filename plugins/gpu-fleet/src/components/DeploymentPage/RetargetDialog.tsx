import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  Box,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogContentText,
  DialogTitle,
  TextField,
} from '@material-ui/core';
import Alert from '@material-ui/lab/Alert';
import type {
  DeploymentView,
  UnmetRequirement,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { useId, useState } from 'react';
import { errorMessage, unmetRequirementsOf } from '../../api/apiErrors';
import { gpuFleetApiRef } from '../../api/GpuFleetApi';
import { usePolledAsync } from '../../hooks/usePolledAsync';
import { ApiErrorPanel } from '../shared/ApiErrorPanel';
import { UnmetRequirementList } from '../shared/UnmetRequirementList';

/**
 * Moves the deployment to another cluster. Retarget stays disabled until
 * the target meets every requirement; "Check again" asks anew after the
 * person fixed something (freed GPUs, added a StorageClass, ...).
 */
export const RetargetDialog = ({
  deployment,
  onClose,
  onRetargeted,
}: {
  deployment: DeploymentView;
  onClose(): void;
  onRetargeted(deployment: DeploymentView): void;
}) => {
  const api = useApi(gpuFleetApiRef);
  const titleId = useId();
  const { workspace, name } = deployment;
  const [cluster, setCluster] = useState('');
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<{
    message: string;
    unmet?: UnmetRequirement[];
  }>();
  const clusters = usePolledAsync(() => api.listClusters(), [api]);
  const check = usePolledAsync(
    async () =>
      cluster
        ? api.getDeploymentRequirements(workspace, name, cluster)
        : undefined,
    [api, workspace, name, cluster],
  );
  const targets = (clusters.value ?? []).filter(
    c => !c.detachedAt && c.name !== deployment.cluster,
  );
  // A refusal lists what the server found at that moment; it outranks an older check.
  const unmet = refusal?.unmet ?? check.value?.unmet;
  const ready =
    !!cluster && check.value?.cluster === cluster && unmet?.length === 0;

  const checkAgain = () => {
    setRefusal(undefined);
    check.refresh();
  };

  const retarget = async () => {
    setBusy(true);
    setRefusal(undefined);
    try {
      onRetargeted(await api.retargetDeployment(workspace, name, cluster));
    } catch (e) {
      setRefusal({ message: errorMessage(e), unmet: unmetRequirementsOf(e) });
      setBusy(false);
    }
  };

  let requirements;
  if (!cluster) {
    requirements = null;
  } else if (check.loading && !check.value) {
    requirements = <Progress />;
  } else if (!check.value) {
    requirements = (
      <ApiErrorPanel
        title={`Could not check cluster ${cluster}`}
        error={check.error ?? new Error('no answer')}
      />
    );
  } else if (unmet && unmet.length > 0) {
    requirements = (
      <Alert severity="warning" role="status">
        <strong>
          {`Cluster ${cluster} does not meet ${unmet.length} ${
            unmet.length === 1 ? 'requirement' : 'requirements'
          }:`}
        </strong>
        <UnmetRequirementList
          unmet={unmet}
          label={`Unmet requirements on ${cluster}`}
        />
      </Alert>
    );
  } else {
    requirements = (
      <Alert severity="success" role="status">
        Cluster {cluster} meets every requirement.
      </Alert>
    );
  }

  return (
    <Dialog
      open
      onClose={onClose}
      aria-labelledby={titleId}
      maxWidth="sm"
      fullWidth
    >
      <DialogTitle id={titleId}>Retarget {name}</DialogTitle>
      <DialogContent>
        <DialogContentText>
          {`It runs on cluster ${deployment.cluster} now. A new revision moves its objects to the cluster chosen, in namespace ${deployment.namespace}.`}
        </DialogContentText>
        <TextField
          id={`${titleId}-cluster`}
          label="Target cluster"
          select
          SelectProps={{ native: true }}
          fullWidth
          margin="normal"
          variant="outlined"
          value={cluster}
          onChange={e => {
            setRefusal(undefined);
            setCluster(e.target.value);
          }}
          helperText={
            clusters.error && !clusters.value
              ? `Could not load clusters: ${errorMessage(clusters.error)}`
              : undefined
          }
          error={!!clusters.error && !clusters.value}
        >
          <option value="">
            {clusters.value ? 'Choose a cluster' : 'Loading clusters…'}
          </option>
          {targets.map(c => (
            <option key={c.name} value={c.name}>
              {c.displayName === c.name
                ? c.name
                : `${c.displayName} (${c.name})`}
            </option>
          ))}
        </TextField>
        {requirements}
        {check.error && check.value && (
          <Box mt={2}>
            <Alert severity="error" role="alert">
              Could not check again: {errorMessage(check.error)}
            </Alert>
          </Box>
        )}
        {refusal && (
          <Box mt={2}>
            <Alert severity="error" role="alert">
              Not retargeted: {refusal.message}
            </Alert>
          </Box>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={busy}>
          Cancel
        </Button>
        <Button onClick={checkAgain} disabled={!cluster || busy}>
          Check again
        </Button>
        <Button
          variant="contained"
          color="primary"
          disabled={!ready || busy}
          onClick={retarget}
        >
          {busy ? 'Retargeting…' : 'Retarget'}
        </Button>
      </DialogActions>
    </Dialog>
  );
};
