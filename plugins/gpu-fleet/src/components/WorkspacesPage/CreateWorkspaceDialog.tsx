import { useApi } from '@backstage/core-plugin-api';
import {
  Dialog,
  DialogContent,
  DialogTitle,
  TextField,
} from '@material-ui/core';
import type { WorkspaceView } from '@gpu-fleet/plugin-gpu-fleet-common';
import { useId, useState } from 'react';
import { errorMessage } from '../../api/apiErrors';
import { ApiIssue, apiIssues, issueAt } from '../../api/apiIssues';
import { gpuFleetApiRef } from '../../api/GpuFleetApi';
import { usePolledAsync } from '../../hooks/usePolledAsync';
import { FormDialogActions } from '../WorkspaceForm/FormDialogActions';
import { FormIssuesAlert } from '../WorkspaceForm/FormIssuesAlert';
import { PrivilegedCheckbox } from '../WorkspaceForm/PrivilegedCheckbox';
import { GpuQuotaRows } from '../WorkspaceForm/GpuQuotaRows';
import { MemberRows } from '../WorkspaceForm/MemberRows';
import { TolerationRows } from '../WorkspaceForm/TolerationRows';
import {
  buildCreateRequest,
  CreateWorkspaceForm,
  emptyCreateForm,
  WORKSPACE_REQUEST_FIELDS,
} from '../WorkspaceForm/workspaceFormModel';

// Paths this form shows issues for, beside an input or under a list.
const SHOWN = [
  'name',
  'displayName',
  'cluster',
  'namespace',
  'allowPrivileged',
  'gpuQuota',
  'defaults.tolerations',
  'members',
];

function clusterHelp(
  loading: boolean,
  error: Error | undefined,
  count: number,
): string {
  if (loading) return 'Loading clusters…';
  if (error) return `Could not load clusters: ${errorMessage(error)}`;
  if (count === 0) return 'No attached cluster yet: attach one first.';
  return 'The namespace is created there.';
}

/** The fleet admin's form for a new workspace: one namespace on one cluster. */
export const CreateWorkspaceDialog = ({
  onClose,
  onCreated,
}: {
  onClose(): void;
  onCreated(workspace: WorkspaceView): void;
}) => {
  const api = useApi(gpuFleetApiRef);
  const titleId = useId();
  const formId = useId();
  const [form, setForm] = useState<CreateWorkspaceForm>(emptyCreateForm);
  const [issues, setIssues] = useState<ApiIssue[]>([]);
  const [submitting, setSubmitting] = useState(false);
  const clusters = usePolledAsync(() => api.listClusters(), [api]);
  const attached = (clusters.value ?? []).filter(c => !c.detachedAt);

  const set = <K extends keyof CreateWorkspaceForm>(
    key: K,
    value: CreateWorkspaceForm[K],
  ) => setForm(current => ({ ...current, [key]: value }));

  const submit = async () => {
    const built = buildCreateRequest(form);
    if (!('request' in built)) {
      setIssues(built.issues);
      return;
    }
    setSubmitting(true);
    setIssues([]);
    try {
      onCreated(await api.createWorkspace(built.request));
    } catch (e) {
      setIssues(apiIssues(e, WORKSPACE_REQUEST_FIELDS));
      setSubmitting(false);
    }
  };

  const nameError = issueAt(issues, 'name');
  const clusterError = issueAt(issues, 'cluster');
  const namespaceError = issueAt(issues, 'namespace');
  const displayNameError = issueAt(issues, 'displayName');
  const privilegedError = issueAt(issues, 'allowPrivileged');

  return (
    <Dialog
      open
      onClose={onClose}
      aria-labelledby={titleId}
      maxWidth="md"
      fullWidth
    >
      <DialogTitle id={titleId}>Create a workspace</DialogTitle>
      <DialogContent>
        <form
          id={formId}
          noValidate
          onSubmit={e => {
            e.preventDefault();
            submit();
          }}
        >
          <TextField
            id={`${formId}-name`}
            label="Name"
            required
            fullWidth
            margin="normal"
            variant="outlined"
            value={form.name}
            onChange={e => set('name', e.target.value)}
            error={!!nameError}
            helperText={
              nameError ??
              'Lower-case letters, digits and "-", at most 63 characters; it cannot change later.'
            }
            inputProps={{ autoCapitalize: 'none', spellCheck: false }}
          />
          <TextField
            id={`${formId}-display-name`}
            label="Display name"
            fullWidth
            margin="normal"
            variant="outlined"
            value={form.displayName}
            onChange={e => set('displayName', e.target.value)}
            error={!!displayNameError}
            helperText={displayNameError ?? 'Optional; defaults to the name.'}
          />
          <TextField
            id={`${formId}-cluster`}
            label="Cluster"
            required
            select
            SelectProps={{ native: true }}
            fullWidth
            margin="normal"
            variant="outlined"
            value={form.cluster}
            onChange={e => set('cluster', e.target.value)}
            error={!!clusterError || (!!clusters.error && !clusters.value)}
            helperText={
              clusterError ??
              clusterHelp(
                clusters.loading,
                clusters.value ? undefined : clusters.error,
                attached.length,
              )
            }
          >
            <option value="">Choose a cluster</option>
            {attached.map(cluster => (
              <option key={cluster.name} value={cluster.name}>
                {cluster.displayName === cluster.name
                  ? cluster.name
                  : `${cluster.displayName} (${cluster.name})`}
              </option>
            ))}
          </TextField>
          <TextField
            id={`${formId}-namespace`}
            label="Namespace"
            fullWidth
            margin="normal"
            variant="outlined"
            value={form.namespace}
            onChange={e => set('namespace', e.target.value)}
            error={!!namespaceError}
            helperText={
              namespaceError ?? "Optional; defaults to the workspace's name."
            }
            inputProps={{ autoCapitalize: 'none', spellCheck: false }}
          />
          <PrivilegedCheckbox
            checked={form.allowPrivileged}
            onChange={checked => set('allowPrivileged', checked)}
            error={privilegedError}
            help="Host network, IPC_LOCK and /dev/infiniband for tightly coupled training; the namespace gets the privileged Pod Security level."
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
          <MemberRows
            rows={form.members}
            issues={issues}
            onChange={rows => set('members', rows)}
          />
          <FormIssuesAlert
            title="The workspace was not created."
            issues={issues}
            shown={SHOWN}
          />
        </form>
      </DialogContent>
      <FormDialogActions
        formId={formId}
        busy={submitting}
        label="Create workspace"
        busyLabel="Creating…"
        onCancel={onClose}
      />
    </Dialog>
  );
};
