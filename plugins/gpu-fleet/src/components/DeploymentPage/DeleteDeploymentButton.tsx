import { useApi } from '@backstage/core-plugin-api';
import { Box, Button } from '@material-ui/core';
import Alert from '@material-ui/lab/Alert';
import { useState } from 'react';
import { errorMessage } from '../../api/apiErrors';
import type { DeploymentView } from '@gpu-fleet/plugin-gpu-fleet-common';
import { gpuFleetApiRef } from '../../api/GpuFleetApi';
import { ConfirmDialog } from '../ClusterPage/ConfirmDialog';

/** Deletes the deployment after confirmation; its cluster removes the objects. */
export const DeleteDeploymentButton = ({
  deployment,
  onDeleted,
}: {
  deployment: DeploymentView;
  onDeleted(): void;
}) => {
  const api = useApi(gpuFleetApiRef);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const { workspace, name } = deployment;

  const remove = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await api.deleteDeployment(workspace, name);
      onDeleted();
    } catch (e) {
      setError(errorMessage(e));
      setBusy(false);
      setConfirming(false);
    }
  };

  return (
    <Box>
      <Button
        variant="outlined"
        color="secondary"
        disabled={busy || deployment.delivery.state === 'deleting'}
        onClick={() => setConfirming(true)}
      >
        Delete deployment
      </Button>
      {error && (
        <Box mt={1}>
          <Alert severity="error" role="alert">
            The deployment was not deleted: {error}
          </Alert>
        </Box>
      )}
      {confirming && (
        <ConfirmDialog
          open
          title={`Delete deployment ${name}?`}
          text={`Its objects are removed from namespace ${deployment.namespace} on cluster ${deployment.cluster}, and the removal is committed to Git as a last revision.`}
          confirmLabel="Delete deployment"
          busy={busy}
          onConfirm={remove}
          onCancel={() => setConfirming(false)}
        />
      )}
    </Box>
  );
};
