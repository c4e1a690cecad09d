import { TextField } from '@material-ui/core';
import { ReactNode, useId } from 'react';
import { ApiIssue, issueAt } from '../../api/apiIssues';

/**
 * One input of the manifest, showing what the API said about its field
 * path in place of the help text.
 */
export const ManifestField = ({
  label,
  path,
  issues,
  value,
  onChange,
  help,
  required,
  disabled,
  placeholder,
  options,
}: {
  label: string;
  /** The manifest field it edits, as the API names it: `resources.gpu.count`. */
  path: string;
  issues: readonly ApiIssue[];
  value: string;
  onChange(value: string): void;
  help?: ReactNode;
  required?: boolean;
  disabled?: boolean;
  placeholder?: string;
  /** Makes it a select of [value, label] pairs. */
  options?: ReadonlyArray<readonly [string, string]>;
}) => {
  const id = useId();
  const error = issueAt(issues, path);
  return (
    <TextField
      id={id}
      label={label}
      fullWidth
      margin="normal"
      variant="outlined"
      required={required}
      disabled={disabled}
      placeholder={placeholder}
      value={value}
      onChange={e => onChange(e.target.value)}
      error={!!error}
      helperText={error ?? help}
      select={!!options}
      SelectProps={options ? { native: true } : undefined}
      // A native select always shows an option, even the empty one: its
      // label must stay above it rather than over it.
      InputLabelProps={options ? { shrink: true } : undefined}
      inputProps={{ autoCapitalize: 'none', spellCheck: false }}
    >
      {options?.map(([optionValue, optionLabel]) => (
        <option key={optionValue} value={optionValue}>
          {optionLabel}
        </option>
      ))}
    </TextField>
  );
};
