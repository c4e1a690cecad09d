import { useApi } from '@backstage/core-plugin-api';
import { Dialog, DialogContent, DialogTitle } from '@material-ui/core';
import type { WorkspaceView } from '@gpu-fleet/plugin-gpu-fleet-common';
import { useId, useState } from 'react';
import { ApiIssue, apiIssues } from '../../api/apiIssues';
import { gpuFleetApiRef } from '../../api/GpuFleetApi';
import { FormDialogActions } from '../WorkspaceForm/FormDialogActions';
import { FormIssuesAlert } from '../WorkspaceForm/FormIssuesAlert';
import { MemberRows } from '../WorkspaceForm/MemberRows';
import {
  MemberRow,
  membersFromRows,
  WORKSPACE_REQUEST_FIELDS,
} from '../WorkspaceForm/workspaceFormModel';

export const MembersDialog = ({
  workspace,
  onClose,
  onSaved,
}: {
  workspace: WorkspaceView;
  onClose(): void;
  onSaved(workspace: WorkspaceView): void;
}) => {
  const api = useApi(gpuFleetApiRef);
  const titleId = useId();
  const formId = useId();
  const [rows, setRows] = useState<MemberRow[]>(() =>
    workspace.members.map(m => ({ ref: m.ref, role: m.role })),
  );
  const [issues, setIssues] = useState<ApiIssue[]>([]);
  const [saving, setSaving] = useState(false);

  const save = async () => {
    setSaving(true);
    setIssues([]);
    try {
      onSaved(
        await api.updateWorkspace(workspace.name, {
          members: membersFromRows(rows),
        }),
      );
    } catch (e) {
      setIssues(apiIssues(e, WORKSPACE_REQUEST_FIELDS));
      setSaving(false);
    }
  };

  return (
    <Dialog
      open
      onClose={onClose}
      aria-labelledby={titleId}
      maxWidth="md"
      fullWidth
    >
      <DialogTitle id={titleId}>Members of {workspace.name}</DialogTitle>
      <DialogContent>
        <form
          id={formId}
          noValidate
          onSubmit={e => {
            e.preventDefault();
            save();
          }}
        >
          <MemberRows rows={rows} issues={issues} onChange={setRows} />
          <FormIssuesAlert
            title="The members were not saved."
            issues={issues}
            shown={['members']}
          />
        </form>
      </DialogContent>
      <FormDialogActions
        formId={formId}
        busy={saving}
        label="Save members"
        busyLabel="Saving…"
        onCancel={onClose}
      />
    </Dialog>
  );
};
