import {
  FormControl,
  FormControlLabel,
  FormLabel,
  Radio,
  RadioGroup,
} from '@material-ui/core';
import {
  isProviderId,
  PROVIDER_IDS,
  providerProfiles,
  ProviderId,
} from '@gpu-fleet/plugin-gpu-fleet-common';

const kindWords = {
  hyperscaler: 'hyperscaler',
  'gpu-cloud': 'GPU cloud',
  generic: 'any conformant cluster',
};

export const ProviderStep = ({
  provider,
  onChange,
}: {
  provider: ProviderId;
  onChange(provider: ProviderId): void;
}) => (
  <FormControl component="fieldset">
    <FormLabel component="legend">Where does the cluster run?</FormLabel>
    <RadioGroup
      name="provider"
      value={provider}
      onChange={e => {
        if (isProviderId(e.target.value)) onChange(e.target.value);
      }}
    >
      {PROVIDER_IDS.map(id => (
        <FormControlLabel
          key={id}
          value={id}
          control={<Radio />}
          label={`${providerProfiles[id].title} (${
            kindWords[providerProfiles[id].kind]
          })`}
        />
      ))}
    </RadioGroup>
  </FormControl>
);
