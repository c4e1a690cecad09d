import { Grid } from '@material-ui/core';
import type { WorkspaceView } from '@gpu-fleet/plugin-gpu-fleet-common';
import { FormSectionProps } from './deploymentFormModel';
import { ManifestField } from './ManifestField';

function workspaceHelp(
  workspace: WorkspaceView | undefined,
  chosen: string,
  loaded: boolean,
): string {
  if (workspace) {
    return `Runs in namespace ${workspace.namespace} on cluster ${workspace.cluster}.`;
  }
  if (chosen && loaded) return `You may not deploy into workspace ${chosen}.`;
  return 'Where it runs: a namespace on one cluster.';
}

/** Workspace, name, image and, for a service, the model it serves. */
export const BasicsFields = ({
  form,
  issues,
  onChange,
  workspaces,
  workspacesLoaded,
  fixed,
}: FormSectionProps & {
  /** The workspaces the caller may deploy into. */
  workspaces: WorkspaceView[];
  workspacesLoaded: boolean;
  /** Editing: workspace and name say which deployment, so they cannot change. */
  fixed?: boolean;
}) => {
  const workspace = workspaces.find(w => w.name === form.workspace);
  const options: Array<[string, string]> = [
    ['', workspacesLoaded ? 'Choose a workspace' : 'Loading workspaces…'],
    ...workspaces.map<[string, string]>(w => [
      w.name,
      w.displayName === w.name ? w.name : `${w.displayName} (${w.name})`,
    ]),
  ];
  // Keep a workspace from the URL visible even when it is not offered.
  if (form.workspace && !workspace) {
    options.push([form.workspace, form.workspace]);
  }
  return (
    <Grid container spacing={2}>
      <Grid item xs={12} md={6}>
        <ManifestField
          label="Workspace"
          path="workspace"
          required
          disabled={fixed}
          issues={issues}
          value={form.workspace}
          options={options}
          onChange={value => onChange({ workspace: value })}
          help={workspaceHelp(workspace, form.workspace, workspacesLoaded)}
        />
      </Grid>
      <Grid item xs={12} md={6}>
        <ManifestField
          label="Name"
          path="name"
          required
          disabled={fixed}
          issues={issues}
          value={form.name}
          onChange={value => onChange({ name: value })}
          help={
            fixed
              ? undefined
              : 'Lower-case letters, digits and "-"; it cannot change later.'
          }
        />
      </Grid>
      <Grid item xs={12} md={form.template === 'vllm' ? 6 : 12}>
        <ManifestField
          label="Image"
          path="image"
          required
          issues={issues}
          value={form.image}
          onChange={value => onChange({ image: value })}
        />
      </Grid>
      {form.template === 'vllm' && (
        <Grid item xs={12} md={6}>
          <ManifestField
            label="Model"
            path="model"
            required
            issues={issues}
            value={form.model}
            placeholder="meta-llama/Llama-3.1-8B-Instruct"
            onChange={value => onChange({ model: value })}
            help="A Hugging Face model id or a path where the storage mounts it."
          />
        </Grid>
      )}
    </Grid>
  );
};
