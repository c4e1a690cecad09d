import { Box, TextField } from '@material-ui/core';
import { AttachForm } from './attachRequest';

type DetailField = 'name' | 'displayName' | 'region' | 'description';

export const DetailsStep = ({
  form,
  errors,
  onChange,
  onBlurName,
}: {
  form: AttachForm;
  errors: Partial<Record<DetailField, string>>;
  onChange(field: DetailField, value: string): void;
  onBlurName(): void;
}) => (
  <Box maxWidth={560}>
    <TextField
      id="attach-name"
      label="Cluster name"
      required
      fullWidth
      margin="normal"
      variant="outlined"
      value={form.name}
      onChange={e => onChange('name', e.target.value)}
      onBlur={onBlurName}
      error={!!errors.name}
      helperText={
        errors.name ??
        'Lower-case letters, digits and "-", at most 63 characters; it cannot change later.'
      }
      inputProps={{ autoCapitalize: 'none', spellCheck: false }}
    />
    <TextField
      id="attach-display-name"
      label="Display name"
      fullWidth
      margin="normal"
      variant="outlined"
      value={form.displayName}
      onChange={e => onChange('displayName', e.target.value)}
      error={!!errors.displayName}
      helperText={errors.displayName ?? 'Optional; defaults to the name.'}
    />
    <TextField
      id="attach-region"
      label="Region"
      fullWidth
      margin="normal"
      variant="outlined"
      value={form.region}
      onChange={e => onChange('region', e.target.value)}
      error={!!errors.region}
      helperText={errors.region ?? 'Optional, e.g. us-east-1.'}
    />
    <TextField
      id="attach-description"
      label="Description"
      fullWidth
      multiline
      minRows={2}
      margin="normal"
      variant="outlined"
      value={form.description}
      onChange={e => onChange('description', e.target.value)}
      error={!!errors.description}
      helperText={errors.description ?? 'Optional.'}
    />
  </Box>
);
