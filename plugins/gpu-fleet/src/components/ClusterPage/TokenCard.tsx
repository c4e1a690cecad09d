import { InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import { Box, Button, Typography } from '@material-ui/core';
import Alert from '@material-ui/lab/Alert';
import {
  Cluster,
  gpuFleetClusterTokenManagePermission,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { useState } from 'react';
import { errorMessage } from '../../api/apiErrors';
import { gpuFleetApiRef, TokenRotation } from '../../api/GpuFleetApi';
import { CopyableBlock } from '../shared/CopyableBlock';
import { ConfirmDialog } from './ConfirmDialog';

type Action = 'rotate' | 'revoke';

const confirmText: Record<
  Action,
  { title: string; text: string; label: string }
> = {
  rotate: {
    title: 'Rotate the agent token?',
    text: 'A new token replaces the current one at once: the running agent is disconnected until it is reinstalled with the new token.',
    label: 'Rotate token',
  },
  revoke: {
    title: 'Revoke the agent token?',
    text: 'The agent is disconnected and stays out until a new token is rotated in.',
    label: 'Revoke token',
  },
};

/** Rotate and revoke, for people allowed to manage the cluster's token. */
export const TokenCard = ({
  cluster,
  onChanged,
}: {
  cluster: Cluster;
  onChanged(): void;
}) => {
  const api = useApi(gpuFleetApiRef);
  const permission = usePermission({
    permission: gpuFleetClusterTokenManagePermission,
    resourceRef: cluster.name,
  });
  const [confirming, setConfirming] = useState<Action | undefined>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [rotation, setRotation] = useState<TokenRotation | undefined>();
  const [revoked, setRevoked] = useState(false);

  if (permission.loading || cluster.detachedAt) return null;
  if (!permission.allowed) {
    return (
      <InfoCard title="Agent token">
        <Typography variant="body2">
          Rotating or revoking this cluster's token needs the{' '}
          <code>{gpuFleetClusterTokenManagePermission.name}</code> permission.
        </Typography>
      </InfoCard>
    );
  }

  const run = async (action: Action) => {
    setBusy(true);
    setError(undefined);
    try {
      if (action === 'rotate') {
        setRotation(await api.rotateToken(cluster.name));
        setRevoked(false);
      } else {
        await api.revokeToken(cluster.name);
        setRotation(undefined);
        setRevoked(true);
      }
      onChanged();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
      setConfirming(undefined);
    }
  };

  return (
    <InfoCard title="Agent token">
      <Typography variant="body2" gutterBottom>
        The agent authenticates with this cluster's token. Rotate it if it may
        have leaked; revoke it to cut the cluster off.
      </Typography>
      <Box display="flex" my={2}>
        <Box mr={2}>
          <Button
            variant="outlined"
            color="primary"
            disabled={busy}
            onClick={() => setConfirming('rotate')}
          >
            Rotate token
          </Button>
        </Box>
        <Button
          variant="outlined"
          color="secondary"
          disabled={busy || cluster.status === 'revoked'}
          onClick={() => setConfirming('revoke')}
        >
          Revoke token
        </Button>
      </Box>
      {error && (
        <Alert severity="error" role="alert">
          {error}
        </Alert>
      )}
      {revoked && !error && (
        <Alert severity="info">
          The token is revoked; rotate a new one in to reconnect the agent.
        </Alert>
      )}
      {rotation && (
        <Box mt={2}>
          <Alert severity="warning">
            Copy the new token and install command now: the token is shown only
            this once.
          </Alert>
          <Box mt={2}>
            <CopyableBlock label="New token" text={rotation.token} />
            <CopyableBlock
              label="Install command"
              text={rotation.install.command}
            />
            <CopyableBlock
              label="Values file"
              text={rotation.install.valuesYaml}
            />
            <Button variant="text" onClick={() => setRotation(undefined)}>
              I have copied it: hide the token
            </Button>
          </Box>
        </Box>
      )}
      {confirming && (
        <ConfirmDialog
          open
          title={confirmText[confirming].title}
          text={confirmText[confirming].text}
          confirmLabel={confirmText[confirming].label}
          busy={busy}
          onConfirm={() => run(confirming)}
          onCancel={() => setConfirming(undefined)}
        />
      )}
    </InfoCard>
  );
};
