import { WORKSPACE_ROLES } from '@gpu-fleet/plugin-gpu-fleet-common';
import type { WorkspaceRole } from '@gpu-fleet/plugin-gpu-fleet-common';
import type { ApiIssue } from '../../api/apiIssues';
import { EditableRows } from './EditableRows';
import { RowField } from './RowField';
import { emptyMemberRow, MemberRow } from './workspaceFormModel';

const ROLE_OPTIONS = WORKSPACE_ROLES.map(r => [r, r] as const);

export const MemberRows = ({
  rows,
  issues,
  onChange,
}: {
  rows: MemberRow[];
  issues: readonly ApiIssue[];
  onChange(rows: MemberRow[]): void;
}) => (
  <EditableRows
    legend="Members"
    description="Catalog users and groups, e.g. user:default/bob or group:default/ml-research. A viewer sees deployments, pods and logs; a deployer also changes workloads; an admin also manages Secrets, members and settings."
    path="members"
    rowFields={['ref', 'role']}
    rows={rows}
    issues={issues}
    newRow={emptyMemberRow}
    addLabel="Add member"
    rowLabel={(row, index) =>
      `member row ${index + 1}${row.ref ? ` (${row.ref})` : ''}`
    }
    emptyText="No members yet."
    onChange={onChange}
    renderRow={(row, update, ctx) => (
      <>
        <RowField
          id={ctx.id('ref')}
          label="User or group"
          row={ctx.index}
          value={row.ref}
          width={320}
          error={ctx.error('ref')}
          onChange={ref => update({ ref })}
        />
        <RowField
          id={ctx.id('role')}
          label="Role"
          row={ctx.index}
          value={row.role}
          width={140}
          options={ROLE_OPTIONS}
          error={ctx.error('role')}
          onChange={role => update({ role: role as WorkspaceRole })}
        />
      </>
    )}
  />
);
