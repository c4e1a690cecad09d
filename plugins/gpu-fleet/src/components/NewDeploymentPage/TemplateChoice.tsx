import {
  FormControl,
  FormControlLabel,
  FormLabel,
  Radio,
  RadioGroup,
} from '@material-ui/core';
import type { DeploymentTemplate } from '@gpu-fleet/plugin-gpu-fleet-common';
import { useId } from 'react';

const TEMPLATES: Array<[DeploymentTemplate, string, string]> = [
  ['vllm', 'vLLM service', 'An OpenAI-compatible server that stays up'],
  ['mpijob', 'MPIJob training run', 'A launcher and GPU workers that finish'],
];

export const TemplateChoice = ({
  value,
  onChange,
  disabled,
}: {
  value: DeploymentTemplate;
  onChange(template: DeploymentTemplate): void;
  /** A deployment keeps the template it was created with. */
  disabled?: boolean;
}) => {
  const labelId = useId();
  return (
    <FormControl component="fieldset" margin="normal">
      <FormLabel component="legend" id={labelId}>
        Template
      </FormLabel>
      <RadioGroup
        row
        aria-labelledby={labelId}
        value={value}
        onChange={e => onChange(e.target.value as DeploymentTemplate)}
      >
        {TEMPLATES.map(([template, label, description]) => (
          <FormControlLabel
            key={template}
            value={template}
            control={<Radio />}
            disabled={disabled}
            label={label}
            title={description}
          />
        ))}
      </RadioGroup>
    </FormControl>
  );
};
