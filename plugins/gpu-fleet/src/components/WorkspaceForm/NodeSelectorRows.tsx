import type { ApiIssue } from '../../api/apiIssues';
import { EditableRows } from './EditableRows';
import { RowField } from './RowField';
import { emptyLabelRow, LabelRow } from './workspaceFormModel';

export const NodeSelectorRows = ({
  rows,
  issues,
  onChange,
}: {
  rows: LabelRow[];
  issues: readonly ApiIssue[];
  onChange(rows: LabelRow[]): void;
}) => (
  <EditableRows
    legend="Node selector"
    description="Node labels every pod deployed here must match."
    path="defaults.nodeSelector"
    // Issues name the label key, not a row: they show below the list.
    rowFields={[]}
    rows={rows}
    issues={issues}
    newRow={emptyLabelRow}
    addLabel="Add node label"
    rowLabel={(row, index) =>
      `node label row ${index + 1}${row.key ? ` (${row.key})` : ''}`
    }
    emptyText="No node selector."
    onChange={onChange}
    renderRow={(row, update, ctx) => (
      <>
        <RowField
          id={ctx.id('key')}
          label="Label"
          row={ctx.index}
          value={row.key}
          width={280}
          onChange={key => update({ key })}
        />
        <RowField
          id={ctx.id('value')}
          label="Value"
          row={ctx.index}
          value={row.value}
          onChange={value => update({ value })}
        />
      </>
    )}
  />
);
