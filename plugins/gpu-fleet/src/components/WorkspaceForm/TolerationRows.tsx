import type { ApiIssue } from '../../api/apiIssues';
import { EditableRows } from './EditableRows';
import { RowField } from './RowField';
import { emptyTolerationRow, TolerationRow } from './workspaceFormModel';

const OPERATORS = [
  ['Exists', 'Exists'],
  ['Equal', 'Equal'],
] as const;

const EFFECTS = [
  ['', 'any effect'],
  ['NoSchedule', 'NoSchedule'],
  ['PreferNoSchedule', 'PreferNoSchedule'],
  ['NoExecute', 'NoExecute'],
] as const;

export const TolerationRows = ({
  rows,
  issues,
  onChange,
}: {
  rows: TolerationRow[];
  issues: readonly ApiIssue[];
  onChange(rows: TolerationRow[]): void;
}) => (
  <EditableRows
    legend="Tolerations"
    description="Added to every pod deployed here, e.g. to reach tainted GPU nodes."
    path="defaults.tolerations"
    rowFields={['key', 'operator', 'value', 'effect', 'tolerationSeconds']}
    rows={rows}
    issues={issues}
    newRow={emptyTolerationRow}
    addLabel="Add toleration"
    rowLabel={(row, index) =>
      `toleration row ${index + 1}${row.key ? ` (${row.key})` : ''}`
    }
    emptyText="No tolerations."
    onChange={onChange}
    renderRow={(row, update, ctx) => (
      <>
        <RowField
          id={ctx.id('key')}
          label="Key"
          row={ctx.index}
          value={row.key}
          width={240}
          error={ctx.error('key')}
          onChange={key => update({ key })}
        />
        <RowField
          id={ctx.id('operator')}
          label="Operator"
          row={ctx.index}
          value={row.operator}
          width={120}
          options={OPERATORS}
          error={ctx.error('operator')}
          onChange={operator =>
            update({ operator: operator as TolerationRow['operator'] })
          }
        />
        {row.operator === 'Equal' && (
          <RowField
            id={ctx.id('value')}
            label="Value"
            row={ctx.index}
            value={row.value}
            width={160}
            error={ctx.error('value')}
            onChange={value => update({ value })}
          />
        )}
        <RowField
          id={ctx.id('effect')}
          label="Effect"
          row={ctx.index}
          value={row.effect}
          width={170}
          options={EFFECTS}
          error={ctx.error('effect')}
          onChange={effect =>
            update({ effect: effect as TolerationRow['effect'] })
          }
        />
        <RowField
          id={ctx.id('tolerationSeconds')}
          label="Seconds"
          row={ctx.index}
          value={row.seconds}
          width={110}
          error={ctx.error('tolerationSeconds')}
          onChange={seconds => update({ seconds })}
        />
      </>
    )}
  />
);
