import {
  Box,
  Button,
  Checkbox,
  FormControl,
  FormControlLabel,
  FormGroup,
  FormHelperText,
  FormLabel,
  Typography,
} from '@material-ui/core';
import Alert from '@material-ui/lab/Alert';
import {
  ADDON_IDS,
  addonCatalogue,
  AddonId,
  addonOverlapWarnings,
  defaultAddonsFor,
  getProviderProfile,
  ProviderId,
} from '@gpu-fleet/plugin-gpu-fleet-common';

export const AddonsStep = ({
  provider,
  addons,
  onChange,
}: {
  provider: ProviderId;
  addons: AddonId[];
  onChange(addons: AddonId[]): void;
}) => {
  const profile = getProviderProfile(provider);
  const warnings = addonOverlapWarnings(provider, addons);
  const toggle = (id: AddonId, on: boolean) =>
    onChange(
      on
        ? ADDON_IDS.filter(a => a === id || addons.includes(a))
        : addons.filter(a => a !== id),
    );
  return (
    <>
      <FormControl component="fieldset">
        <FormLabel component="legend">
          Add-ons the agent installs (defaults for {profile.title})
        </FormLabel>
        <FormGroup>
          {ADDON_IDS.map(id => {
            const managed = profile.managedAddons.find(m => m.addon === id);
            return (
              <Box key={id} mb={1}>
                <FormControlLabel
                  control={
                    <Checkbox
                      checked={addons.includes(id)}
                      onChange={e => toggle(id, e.target.checked)}
                      inputProps={{
                        'aria-describedby': `addon-help-${id}`,
                      }}
                    />
                  }
                  label={addonCatalogue[id].title}
                />
                <FormHelperText id={`addon-help-${id}`}>
                  {addonCatalogue[id].description}
                  {managed
                    ? ` — managed by ${profile.title}: ${managed.reason}`
                    : ''}
                </FormHelperText>
              </Box>
            );
          })}
        </FormGroup>
      </FormControl>
      <Box my={1}>
        <Button
          variant="text"
          onClick={() => onChange(defaultAddonsFor(provider))}
        >
          Reset to {profile.title} defaults
        </Button>
      </Box>
      {warnings.map(warning => (
        <Box key={warning} mb={1}>
          <Alert severity="warning">
            {warning}. It will be installed anyway only because you selected it.
          </Alert>
        </Box>
      ))}
      {profile.notes.length > 0 && (
        <Box mt={2}>
          <Typography variant="subtitle2" component="h3">
            Notes for {profile.title}
          </Typography>
          <ul>
            {profile.notes.map(note => (
              <li key={note}>
                <Typography variant="body2">{note}</Typography>
              </li>
            ))}
          </ul>
        </Box>
      )}
    </>
  );
};
