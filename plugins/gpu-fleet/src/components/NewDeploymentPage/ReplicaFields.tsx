import { Grid } from '@material-ui/core';
import { FormSectionProps } from './deploymentFormModel';
import { ManifestField } from './ManifestField';

/** How many replicas a service keeps. */
export const ReplicaFields = ({ form, issues, onChange }: FormSectionProps) => (
  <Grid container spacing={2}>
    <Grid item xs={12} md={6}>
      <ManifestField
        label="Replicas (min)"
        path="replicas.min"
        required
        issues={issues}
        value={form.replicasMin}
        onChange={value => onChange({ replicasMin: value })}
        help="Started at once; each holds its GPUs."
      />
    </Grid>
    <Grid item xs={12} md={6}>
      <ManifestField
        label="Replicas (max)"
        path="replicas.max"
        required
        issues={issues}
        value={form.replicasMax}
        onChange={value => onChange({ replicasMax: value })}
        help="The most an autoscaler may run."
      />
    </Grid>
  </Grid>
);
