import { GPU_TYPES } from '@gpu-fleet/plugin-gpu-fleet-common';
import type { ApiIssue } from '../../api/apiIssues';
import { EditableRows } from './EditableRows';
import { RowField } from './RowField';
import { emptyQuotaRow, QuotaRow } from './workspaceFormModel';

const GPU_TYPE_OPTIONS = GPU_TYPES.map(t => [t, t] as const);

export const GpuQuotaRows = ({
  rows,
  issues,
  onChange,
}: {
  rows: QuotaRow[];
  issues: readonly ApiIssue[];
  onChange(rows: QuotaRow[]): void;
}) => (
  <EditableRows
    legend="GPU quota"
    description="How many GPUs of each type pods in the workspace may request at once."
    path="gpuQuota"
    rowFields={['gpuType', 'count']}
    rows={rows}
    issues={issues}
    newRow={emptyQuotaRow}
    addLabel="Add GPU type"
    rowLabel={(row, index) => `GPU quota row ${index + 1} (${row.gpuType})`}
    emptyText="No GPU quota: pods here cannot request GPUs."
    onChange={onChange}
    renderRow={(row, update, ctx) => (
      <>
        <RowField
          id={ctx.id('gpuType')}
          label="GPU type"
          row={ctx.index}
          value={row.gpuType}
          options={GPU_TYPE_OPTIONS}
          error={ctx.error('gpuType')}
          onChange={gpuType => update({ gpuType })}
        />
        <RowField
          id={ctx.id('count')}
          label="Count"
          row={ctx.index}
          value={row.count}
          width={120}
          error={ctx.error('count')}
          onChange={count => update({ count })}
        />
      </>
    )}
  />
);
