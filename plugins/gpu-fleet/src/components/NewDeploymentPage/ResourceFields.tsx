import { Grid } from '@material-ui/core';
import {
  WORKSPACE_CAPACITY_TYPES,
  WorkspaceCapacityType,
  WorkspaceView,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { FormSectionProps } from './deploymentFormModel';
import { ManifestField } from './ManifestField';

/** GPUs, CPU and memory of each pod (each worker for MPIJob), and the capacity type. */
export const ResourceFields = ({
  form,
  issues,
  onChange,
  workspace,
  gpuTypes,
  gpuTypesHelp,
}: FormSectionProps & {
  workspace: WorkspaceView | undefined;
  /** [type, label] pairs for the GPU type select. */
  gpuTypes: Array<[string, string]>;
  gpuTypesHelp: string;
}) => {
  const perWhat = form.template === 'mpijob' ? 'per worker' : 'per replica';
  const workspaceDefault = workspace?.defaults.capacityType;
  return (
    <Grid container spacing={2}>
      <Grid item xs={12} md={6}>
        <ManifestField
          label="GPU type"
          path="resources.gpu.type"
          required
          issues={issues}
          value={form.gpuType}
          options={[['', 'Choose a GPU type'], ...gpuTypes]}
          onChange={value => onChange({ gpuType: value })}
          help={gpuTypesHelp}
        />
      </Grid>
      <Grid item xs={12} md={6}>
        <ManifestField
          label="GPU count"
          path="resources.gpu.count"
          required
          issues={issues}
          value={form.gpuCount}
          onChange={value => onChange({ gpuCount: value })}
          help={`GPUs ${perWhat}, 1 to 16.`}
        />
      </Grid>
      <Grid item xs={12} md={4}>
        <ManifestField
          label="CPU"
          path="resources.cpu"
          required
          issues={issues}
          value={form.cpu}
          onChange={value => onChange({ cpu: value })}
          help={`Cores ${perWhat}, e.g. 8 or 500m.`}
        />
      </Grid>
      <Grid item xs={12} md={4}>
        <ManifestField
          label="Memory"
          path="resources.memory"
          required
          issues={issues}
          value={form.memory}
          onChange={value => onChange({ memory: value })}
          help={`${perWhat[0].toUpperCase()}${perWhat.slice(1)}, e.g. 64Gi.`}
        />
      </Grid>
      <Grid item xs={12} md={4}>
        <ManifestField
          label="Capacity type"
          path="capacityType"
          issues={issues}
          value={form.capacityType}
          options={[
            [
              '',
              workspaceDefault
                ? `Workspace default (${workspaceDefault})`
                : 'Workspace default',
            ],
            ...WORKSPACE_CAPACITY_TYPES.map<[string, string]>(t => [t, t]),
          ]}
          onChange={value =>
            onChange({ capacityType: value as '' | WorkspaceCapacityType })
          }
        />
      </Grid>
    </Grid>
  );
};
