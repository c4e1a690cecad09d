import { TextField } from '@material-ui/core';

/**
 * One input of an editable row. Its accessible name carries the row number
 * ("Count, row 2"), since every row repeats the same visible labels.
 */
export const RowField = ({
  id,
  label,
  row,
  value,
  error,
  width = 180,
  options,
  disabled,
  onChange,
}: {
  id: string;
  label: string;
  /** Zero-based. */
  row: number;
  value: string;
  error?: string;
  width?: number;
  /** Makes it a native select of these values and their texts. */
  options?: ReadonlyArray<readonly [string, string]>;
  disabled?: boolean;
  onChange(value: string): void;
}) => (
  <TextField
    id={id}
    label={label}
    size="small"
    variant="outlined"
    style={{ width }}
    value={value}
    error={!!error}
    helperText={error}
    disabled={disabled}
    select={!!options}
    SelectProps={options ? { native: true } : undefined}
    inputProps={{
      'aria-label': `${label}, row ${row + 1}`,
      autoCapitalize: 'none',
      spellCheck: false,
    }}
    onChange={e => onChange(e.target.value)}
  >
    {options?.map(([optionValue, text]) => (
      <option key={optionValue} value={optionValue}>
        {text}
      </option>
    ))}
  </TextField>
);
