import { Checkbox, FormControlLabel, FormHelperText } from '@material-ui/core';

/** Whether the workspace admits privileged (RDMA) pods, with its field's error. */
export const PrivilegedCheckbox = ({
  checked,
  onChange,
  error,
  help,
}: {
  checked: boolean;
  onChange(checked: boolean): void;
  error?: string;
  help: string;
}) => (
  <>
    <FormControlLabel
      control={
        <Checkbox
          checked={checked}
          onChange={e => onChange(e.target.checked)}
        />
      }
      label="Allow privileged (RDMA) pods"
    />
    <FormHelperText error={!!error}>{error ?? help}</FormHelperText>
  </>
);
