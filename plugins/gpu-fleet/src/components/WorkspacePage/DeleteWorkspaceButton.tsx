import { useApi } from '@backstage/core-plugin-api';
import { Box, Button } from '@material-ui/core';
import Alert from '@material-ui/lab/Alert';
import type { WorkspaceView } from '@gpu-fleet/plugin-gpu-fleet-common';
import { useState } from 'react';
import { errorMessage } from '../../api/apiErrors';
import { gpuFleetApiRef } from '../../api/GpuFleetApi';
import { ConfirmDialog } from '../ClusterPage/ConfirmDialog';

/** Deletes the workspace and its namespace after confirmation. */
export const DeleteWorkspaceButton = ({
  workspace,
  onDeleted,
}: {
  workspace: WorkspaceView;
  onDeleted(): void;
}) => {
  const api = useApi(gpuFleetApiRef);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();

  const remove = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await api.deleteWorkspace(workspace.name);
      onDeleted();
    } catch (e) {
      // A 409 says which deployments still live there.
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
        disabled={busy}
        onClick={() => setConfirming(true)}
      >
        Delete workspace
      </Button>
      {error && (
        <Box mt={1}>
          <Alert severity="error" role="alert">
            The workspace was not deleted: {error}
          </Alert>
        </Box>
      )}
      {confirming && (
        <ConfirmDialog
          open
          title={`Delete workspace ${workspace.name}?`}
          text={`Namespace ${workspace.namespace} on cluster ${workspace.cluster} is deleted with everything in it, and the members lose their access. A workspace that still has deployments cannot be deleted.`}
          confirmLabel="Delete workspace"
          busy={busy}
          onConfirm={remove}
          onCancel={() => setConfirming(false)}
        />
      )}
    </Box>
  );
};
