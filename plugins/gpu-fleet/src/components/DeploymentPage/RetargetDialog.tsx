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
import { gpuTypeOptions } from '../NewDeploymentPage/gpuTypeOptions';
import { ApiErrorPanel } from '../shared/ApiErrorPanel';
import { UnmetRequirementList } from '../shared/UnmetRequirementList';
import { GpuType, gpuTypeCanFix, retargetedManifest } from './retargetManifest';

/**
 * Moves the deployment to another cluster. Retarget stays disabled until
 * the target meets every requirement; "Check again" asks anew after the
 * person fixed something (freed GPUs, added a StorageClass, ...). When the
 * target lacks the GPU type, another of its types may be chosen here: the
 * changed manifest is then checked by a preview and sent as a whole.
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
  // Empty while the manifest's own GPU type is kept.
  const [gpuType, setGpuType] = useState<GpuType | ''>('');
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<{
    message: string;
    unmet?: UnmetRequirement[];
  }>();
  const clusters = usePolledAsync(() => api.listClusters(), [api]);
  const requirements = usePolledAsync(
    async () =>
      cluster
        ? api.getDeploymentRequirements(workspace, name, cluster)
        : undefined,
    [api, workspace, name, cluster],
  );
  const currentGpuType = deployment.manifest.resources.gpu.type;
  const changed =
    cluster && gpuType
      ? retargetedManifest(deployment.manifest, cluster, gpuType)
      : undefined;
  // The page reads the deployment anew every few seconds; only a changed manifest is worth a new preview.
  const changedKey = changed ? JSON.stringify(changed) : '';
  const previewed = usePolledAsync(async () => {
    if (!changed) return undefined;
    const preview = await api.previewDeployment(changed);
    return { cluster: preview.cluster, unmet: preview.unmet };
  }, [api, changedKey]);
  const check = changed ? previewed : requirements;
  const targets = (clusters.value ?? []).filter(
    c => !c.detachedAt && c.name !== deployment.cluster,
  );
  // A refusal lists what the server found at that moment; it outranks an older check.
  const unmet = refusal?.unmet ?? check.value?.unmet;
  const ready =
    !!cluster && check.value?.cluster === cluster && unmet?.length === 0;
  // Offered once the target lacks the deployment's GPUs, and kept while another type is chosen.
  const offerGpuType =
    !!cluster &&
    (!!gpuType ||
      gpuTypeCanFix(refusal?.unmet) ||
      (requirements.value?.cluster === cluster &&
        gpuTypeCanFix(requirements.value.unmet)));
  const capacity = usePolledAsync(
    async () =>
      offerGpuType ? api.getCapacity(['gpuType'], { cluster }) : undefined,
    [api, cluster, offerGpuType],
  );
  const gpuTypes = gpuTypeOptions(capacity.value);
  if (!gpuTypes.some(([type]) => type === currentGpuType)) {
    gpuTypes.unshift([currentGpuType, `${currentGpuType} (as now)`]);
  }

  const checkAgain = () => {
    setRefusal(undefined);
    check.refresh();
  };

  const retarget = async () => {
    setBusy(true);
    setRefusal(undefined);
    try {
      onRetargeted(
        changed
          ? await api.updateDeployment(workspace, name, changed)
          : await api.retargetDeployment(workspace, name, cluster),
      );
    } catch (e) {
      setRefusal({ message: errorMessage(e), unmet: unmetRequirementsOf(e) });
      setBusy(false);
    }
  };

  let requirementsPanel;
  if (!cluster) {
    requirementsPanel = null;
  } else if (check.loading && !check.value) {
    requirementsPanel = <Progress />;
  } else if (!check.value) {
    requirementsPanel = (
      <ApiErrorPanel
        title={`Could not check cluster ${cluster}`}
        error={check.error ?? new Error('no answer')}
      />
    );
  } else if (unmet && unmet.length > 0) {
    requirementsPanel = (
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
    requirementsPanel = (
      <Alert severity="success" role="status">
        {`Cluster ${cluster} meets every requirement${
          changed ? ` with ${gpuType} GPUs` : ''
        }.`}
      </Alert>
    );
  }

  let gpuTypesHelp = `Free now on cluster ${cluster}.`;
  if (capacity.loading) gpuTypesHelp = `Loading ${cluster}'s GPUs…`;
  else if (capacity.error && !capacity.value) {
    gpuTypesHelp = `Could not load ${cluster}'s GPUs: ${errorMessage(
      capacity.error,
    )}`;
  } else if (changed) {
    gpuTypesHelp = `Retarget changes the GPU type from ${currentGpuType} to ${gpuType} in a new revision.`;
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
            setGpuType('');
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
        {offerGpuType && (
          <TextField
            id={`${titleId}-gpu-type`}
            label="GPU type"
            select
            SelectProps={{ native: true }}
            fullWidth
            margin="normal"
            variant="outlined"
            value={gpuType || currentGpuType}
            onChange={e => {
              const type = e.target.value as GpuType;
              setRefusal(undefined);
              setGpuType(type === currentGpuType ? '' : type);
            }}
            helperText={gpuTypesHelp}
            error={!!capacity.error && !capacity.value}
          >
            {gpuTypes.map(([type, label]) => (
              <option key={type} value={type}>
                {label}
              </option>
            ))}
          </TextField>
        )}
        {requirementsPanel}
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
