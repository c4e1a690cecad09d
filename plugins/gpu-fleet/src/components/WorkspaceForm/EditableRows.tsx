import {
  Box,
  Button,
  IconButton,
  makeStyles,
  Typography,
} from '@material-ui/core';
import DeleteIcon from '@material-ui/icons/Delete';
import AddIcon from '@material-ui/icons/Add';
import Alert from '@material-ui/lab/Alert';
import { ReactNode, useId } from 'react';
import {
  ApiIssue,
  issueAt,
  issueText,
  isIssueUnder,
} from '../../api/apiIssues';

const useStyles = makeStyles(theme => ({
  fieldset: {
    border: 0,
    padding: 0,
    margin: theme.spacing(2, 0),
    minWidth: 0,
  },
  row: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'flex-start',
    gap: theme.spacing(1.5),
    marginBottom: theme.spacing(1.5),
  },
}));

export interface RowContext {
  /** Zero-based. */
  index: number;
  /** A unique id for one of this row's inputs. */
  id(field: string): string;
  /** The API's message about this row's `field`, if any. */
  error(field: string): string | undefined;
}

/**
 * A list of rows with add and remove, for the workspace forms. Issues about
 * a row's field show beside it; the rest under `path` show below the list.
 */
export function EditableRows<T>({
  legend,
  description,
  path,
  rowFields,
  rows,
  issues,
  newRow,
  addLabel,
  rowLabel,
  emptyText,
  onChange,
  renderRow,
}: {
  legend: string;
  description?: ReactNode;
  /** Where the rows live in the request, e.g. `gpuQuota`. */
  path: string;
  /** Fields of a row that have their own input, as the request names them. */
  rowFields: readonly string[];
  rows: T[];
  issues: readonly ApiIssue[];
  newRow(): T;
  addLabel: string;
  /** Names a row for its remove button, e.g. "member user:default/bob". */
  rowLabel(row: T, index: number): string;
  emptyText: string;
  onChange(rows: T[]): void;
  renderRow(
    row: T,
    update: (patch: Partial<T>) => void,
    ctx: RowContext,
  ): ReactNode;
}) {
  const classes = useStyles();
  const baseId = useId();
  const rowPath = (index: number, field: string) =>
    `${path}[${index}].${field}`;
  const shownInline = new Set(
    rows.flatMap((_, index) => rowFields.map(f => rowPath(index, f))),
  );
  const sectionIssues = issues.filter(
    issue => isIssueUnder(issue, path) && !shownInline.has(issue.path),
  );

  return (
    <fieldset className={classes.fieldset}>
      <Typography variant="subtitle1" component="legend">
        {legend}
      </Typography>
      {description && (
        <Typography variant="body2" color="textSecondary" gutterBottom>
          {description}
        </Typography>
      )}
      {rows.length === 0 && (
        <Typography variant="body2" color="textSecondary" gutterBottom>
          {emptyText}
        </Typography>
      )}
      {rows.map((row, index) => {
        const update = (patch: Partial<T>) =>
          onChange(rows.map((r, i) => (i === index ? { ...r, ...patch } : r)));
        const ctx: RowContext = {
          index,
          id: field => `${baseId}-${index}-${field}`,
          error: field => issueAt(issues, rowPath(index, field)),
        };
        return (
          <div className={classes.row} key={index}>
            {renderRow(row, update, ctx)}
            <IconButton
              aria-label={`Remove ${rowLabel(row, index)}`}
              onClick={() => onChange(rows.filter((_, i) => i !== index))}
            >
              <DeleteIcon />
            </IconButton>
          </div>
        );
      })}
      {sectionIssues.length > 0 && (
        <Box mb={1}>
          <Alert severity="error">
            {sectionIssues.map(issue => (
              <div key={issueText(issue)}>{issueText(issue)}</div>
            ))}
          </Alert>
        </Box>
      )}
      <Button
        size="small"
        variant="outlined"
        startIcon={<AddIcon />}
        onClick={() => onChange([...rows, newRow()])}
      >
        {addLabel}
      </Button>
    </fieldset>
  );
}
