import {
  Checkbox,
  FormControlLabel,
  FormHelperText,
  Grid,
} from '@material-ui/core';
import { useId } from 'react';
import { issueAt } from '../../api/apiIssues';
import { FormSectionProps } from './deploymentFormModel';
import { ManifestField } from './ManifestField';

/** Workers of an MPIJob run, and the RDMA pattern when the workspace allows it. */
export const MpiFields = ({
  form,
  issues,
  onChange,
  allowPrivileged,
}: FormSectionProps & {
  /** Whether the workspace admits privileged (RDMA) pods; unknown until it loads. */
  allowPrivileged: boolean | undefined;
}) => {
  const rdmaHelpId = useId();
  const rdmaError = issueAt(issues, 'mpi.rdma.enabled');
  let rdmaHelp =
    'Host network, IPC_LOCK, /dev/infiniband and a memory-backed /dev/shm; workers share one RDMA block.';
  if (allowPrivileged === false) {
    rdmaHelp = `Workspace ${form.workspace} does not allow privileged pods, which RDMA needs.`;
  }
  return (
    <Grid container spacing={2}>
      <Grid item xs={12} md={6}>
        <ManifestField
          label="Workers"
          path="mpi.workers"
          required
          issues={issues}
          value={form.workers}
          onChange={value => onChange({ workers: value })}
          help="Pods that train; a launcher pod runs mpirun beside them."
        />
      </Grid>
      <Grid item xs={12} md={6}>
        <ManifestField
          label="GPUs per worker"
          path="mpi.gpusPerWorker"
          disabled
          issues={issues}
          value={form.gpuCount}
          onChange={() => undefined}
          help="The GPU count: each worker requests the deployment's GPUs."
        />
      </Grid>
      <Grid item xs={12} md={6}>
        <FormControlLabel
          control={
            <Checkbox
              checked={form.rdma}
              disabled={allowPrivileged === false && !form.rdma}
              onChange={e => onChange({ rdma: e.target.checked })}
              inputProps={{ 'aria-describedby': rdmaHelpId }}
            />
          }
          label="RDMA"
        />
        <FormHelperText id={rdmaHelpId} error={!!rdmaError}>
          {rdmaError ?? rdmaHelp}
        </FormHelperText>
      </Grid>
      <Grid item xs={12} md={6}>
        <ManifestField
          label="/dev/shm size"
          path="mpi.rdma.shmSize"
          required
          issues={issues}
          value={form.shmSize}
          onChange={value => onChange({ shmSize: value })}
          help="Memory-backed; NCCL moves data between local ranks through it."
        />
      </Grid>
    </Grid>
  );
};
