import { useApi } from '@backstage/core-plugin-api';
import {
  Dialog,
  DialogContent,
  DialogTitle,
  TextField,
  Typography,
} from '@material-ui/core';
import {
  ProviderId,
  WORKSPACE_CAPACITY_TYPES,
  WorkloadIdentity,
  WorkspaceView,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { useId, useState } from 'react';
import { ApiIssue, apiIssues, issueAt } from '../../api/apiIssues';
import { gpuFleetApiRef } from '../../api/GpuFleetApi';
import { FormDialogActions } from '../WorkspaceForm/FormDialogActions';
import { FormIssuesAlert } from '../WorkspaceForm/FormIssuesAlert';
import { PrivilegedCheckbox } from '../WorkspaceForm/PrivilegedCheckbox';
import { GpuQuotaRows } from '../WorkspaceForm/GpuQuotaRows';
import { NodeSelectorRows } from '../WorkspaceForm/NodeSelectorRows';
import { TolerationRows } from '../WorkspaceForm/TolerationRows';
import {
  buildSettingsRequest,
  identityFieldsFor,
  settingsFormFrom,
  WORKSPACE_REQUEST_FIELDS,
  WorkspaceSettingsForm,
} from '../WorkspaceForm/workspaceFormModel';

const IDENTITY_LABELS: Record<keyof WorkloadIdentity, [string, string]> = {
  awsRoleArn: ['IAM role ARN', 'EKS IRSA: arn:aws:iam::123456789012:role/…'],
  gcpServiceAccount: [
    'Google service account',
    'GKE Workload Identity: name@project.iam.gserviceaccount.com',
  ],
  azureClientId: [
    'Managed identity client ID',
    'AKS Workload Identity: a UUID',
  ],
  ociClusterId: [
    'Cluster OCID',
    'ocid1.cluster.…, for the IAM policy statement',
  ],
  ociCompartment: [
    'Compartment',
    'Name or OCID of the compartment the workloads reach',
  ],
};

const FIXED_SHOWN = [
  'displayName',
  'description',
  'allowPrivileged',
  'gpuQuota',
  'defaults.tolerations',
  'defaults.nodeSelector',
  'defaults.priorityClassName',
  'defaults.capacityType',
];

/** Everything a workspace admin may change apart from members. */
export const SettingsDialog = ({
  workspace,
  provider,
  onClose,
  onSaved,
}: {
  workspace: WorkspaceView;
  /** The cluster's provider: which identity fields apply. */
  provider?: ProviderId;
  onClose(): void;
  onSaved(workspace: WorkspaceView): void;
}) => {
  const api = useApi(gpuFleetApiRef);
  const titleId = useId();
  const formId = useId();
  const [form, setForm] = useState<WorkspaceSettingsForm>(() =>
    settingsFormFrom(workspace),
  );
  const [issues, setIssues] = useState<ApiIssue[]>([]);
  const [saving, setSaving] = useState(false);
  const identityFields = identityFieldsFor(provider);

  const set = <K extends keyof WorkspaceSettingsForm>(
    key: K,
    value: WorkspaceSettingsForm[K],
  ) => setForm(current => ({ ...current, [key]: value }));

  const save = async () => {
    const built = buildSettingsRequest(form);
    if (!('request' in built)) {
      setIssues(built.issues);
      return;
    }
    setSaving(true);
    setIssues([]);
    try {
      onSaved(await api.updateWorkspace(workspace.name, built.request));
    } catch (e) {
      setIssues(apiIssues(e, WORKSPACE_REQUEST_FIELDS));
      setSaving(false);
    }
  };

  const text = (
    path: string,
    label: string,
    value: string,
    onChange: (value: string) => void,
    help: string,
  ) => {
    const error = issueAt(issues, path);
    return (
      <TextField
        key={path}
        id={`${formId}-${path}`}
        label={label}
        fullWidth
        margin="normal"
        variant="outlined"
        value={value}
        onChange={e => onChange(e.target.value)}
        error={!!error}
        helperText={error ?? help}
        inputProps={{ spellCheck: false }}
      />
    );
  };
  const capacityError = issueAt(issues, 'defaults.capacityType');
  const privilegedError = issueAt(issues, 'allowPrivileged');

  return (
    <Dialog
      open
      onClose={onClose}
      aria-labelledby={titleId}
      maxWidth="md"
      fullWidth
    >
      <DialogTitle id={titleId}>Settings of {workspace.name}</DialogTitle>
      <DialogContent>
        <form
          id={formId}
          noValidate
          onSubmit={e => {
            e.preventDefault();
            save();
          }}
        >
          {text(
            'displayName',
            'Display name',
            form.displayName,
            v => set('displayName', v),
            'How the workspace is shown.',
          )}
          {text(
            'description',
            'Description',
            form.description,
            v => set('description', v),
            'Optional.',
          )}
          <PrivilegedCheckbox
            checked={form.allowPrivileged}
            onChange={checked => set('allowPrivileged', checked)}
            error={privilegedError}
            help="Sets the namespace to the privileged Pod Security level; only for tightly coupled training over RDMA."
          />
          <GpuQuotaRows
            rows={form.gpuQuota}
            issues={issues}
            onChange={rows => set('gpuQuota', rows)}
          />
          <TolerationRows
            rows={form.tolerations}
            issues={issues}
            onChange={rows => set('tolerations', rows)}
          />
          <NodeSelectorRows
            rows={form.nodeSelector}
            issues={issues}
            onChange={rows => set('nodeSelector', rows)}
          />
          {text(
            'defaults.priorityClassName',
            'Priority class',
            form.priorityClassName,
            v => set('priorityClassName', v),
            'Optional: a PriorityClass on the cluster.',
          )}
          <TextField
            id={`${formId}-capacity-type`}
            label="Capacity type"
            select
            SelectProps={{ native: true }}
            fullWidth
            margin="normal"
            variant="outlined"
            value={form.capacityType}
            onChange={e =>
              set(
                'capacityType',
                e.target.value as WorkspaceSettingsForm['capacityType'],
              )
            }
            error={!!capacityError}
            helperText={
              capacityError ??
              'Whether deployments run on on-demand or spot nodes unless they say otherwise.'
            }
          >
            <option value="">any</option>
            {WORKSPACE_CAPACITY_TYPES.map(type => (
              <option key={type} value={type}>
                {type}
              </option>
            ))}
          </TextField>
          {identityFields.length > 0 && (
            <>
              <Typography variant="subtitle1" component="h3">
                Workload identity
              </Typography>
              {identityFields.map(field =>
                text(
                  `workloadIdentity.${field}`,
                  IDENTITY_LABELS[field][0],
                  form.workloadIdentity[field],
                  v =>
                    set('workloadIdentity', {
                      ...form.workloadIdentity,
                      [field]: v,
                    }),
                  IDENTITY_LABELS[field][1],
                ),
              )}
            </>
          )}
          <FormIssuesAlert
            title="The settings were not saved."
            issues={issues}
            shown={[
              ...FIXED_SHOWN,
              ...identityFields.map(f => `workloadIdentity.${f}`),
            ]}
          />
        </form>
      </DialogContent>
      <FormDialogActions
        formId={formId}
        busy={saving}
        label="Save settings"
        busyLabel="Saving…"
        onCancel={onClose}
      />
    </Dialog>
  );
};
