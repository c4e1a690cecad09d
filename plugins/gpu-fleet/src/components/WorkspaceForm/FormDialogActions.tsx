import { Button, DialogActions } from '@material-ui/core';

/** Cancel, and the button that submits the dialog's form (by its id). */
export const FormDialogActions = ({
  formId,
  busy,
  label,
  busyLabel,
  onCancel,
}: {
  formId: string;
  busy: boolean;
  label: string;
  busyLabel: string;
  onCancel(): void;
}) => (
  <DialogActions>
    <Button onClick={onCancel} disabled={busy}>
      Cancel
    </Button>
    <Button
      type="submit"
      form={formId}
      variant="contained"
      color="primary"
      disabled={busy}
    >
      {busy ? busyLabel : label}
    </Button>
  </DialogActions>
);
