import { InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  Box,
  Button,
  Step,
  StepLabel,
  Stepper,
  Typography,
} from '@material-ui/core';
import Alert from '@material-ui/lab/Alert';
import {
  AttachClusterResponse,
  defaultAddonsFor,
  isDnsLabel,
  ProviderId,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { useEffect, useRef, useState } from 'react';
import { fieldErrors } from '../../api/apiErrors';
import { gpuFleetApiRef } from '../../api/GpuFleetApi';
import { GpuFleetLayout } from '../shared/GpuFleetLayout';
import { AddonsStep } from './AddonsStep';
import { AttachForm, attachRequest } from './attachRequest';
import { DetailsStep } from './DetailsStep';
import { InstallStep } from './InstallStep';
import { ProviderStep } from './ProviderStep';

const STEPS = ['Provider', 'Add-ons', 'Name and region', 'Install the agent'];
const DETAIL_FIELDS = ['name', 'displayName', 'region', 'description'] as const;
type DetailErrors = Partial<Record<(typeof DETAIL_FIELDS)[number], string>>;

function nameError(name: string): string | undefined {
  if (!name.trim()) return 'is required';
  return isDnsLabel(name.trim())
    ? undefined
    : 'must be a DNS label: lower-case letters, digits and "-", starting and ending with a letter or digit, at most 63 characters';
}

function initialForm(provider: ProviderId = 'eks'): AttachForm {
  return {
    provider,
    addons: defaultAddonsFor(provider),
    name: '',
    displayName: '',
    region: '',
    description: '',
  };
}

export const AttachClusterPage = () => {
  const api = useApi(gpuFleetApiRef);
  const [step, setStep] = useState(0);
  const [form, setForm] = useState<AttachForm>(() => initialForm());
  const [errors, setErrors] = useState<DetailErrors>({});
  const [generalErrors, setGeneralErrors] = useState<string[]>([]);
  const [submitting, setSubmitting] = useState(false);
  const [response, setResponse] = useState<AttachClusterResponse>();
  const heading = useRef<HTMLHeadingElement>(null);
  const firstRender = useRef(true);

  // Keyboard and screen-reader users land on the new step's heading.
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    heading.current?.focus();
  }, [step]);

  const submit = async () => {
    const error = nameError(form.name);
    if (error) {
      setErrors({ ...errors, name: `Cluster name ${error}` });
      return;
    }
    setSubmitting(true);
    setGeneralErrors([]);
    try {
      setResponse(await api.attachCluster(attachRequest(form)));
      setStep(3);
    } catch (e) {
      const { fields, general } = fieldErrors(e);
      const next: DetailErrors = {};
      const rest = [...general];
      for (const [field, message] of Object.entries(fields)) {
        if ((DETAIL_FIELDS as readonly string[]).includes(field)) {
          next[field as keyof DetailErrors] = message;
        } else {
          rest.push(`${field}: ${message}`);
        }
      }
      setErrors(next);
      setGeneralErrors(rest);
    } finally {
      setSubmitting(false);
    }
  };

  const restart = () => {
    setForm(initialForm(form.provider));
    setResponse(undefined);
    setErrors({});
    setGeneralErrors([]);
    setStep(0);
  };

  let content;
  if (step === 0) {
    content = (
      <ProviderStep
        provider={form.provider}
        onChange={provider =>
          setForm({ ...form, provider, addons: defaultAddonsFor(provider) })
        }
      />
    );
  } else if (step === 1) {
    content = (
      <AddonsStep
        provider={form.provider}
        addons={form.addons}
        onChange={addons => setForm({ ...form, addons })}
      />
    );
  } else if (step === 2) {
    content = (
      <form
        id="attach-details"
        noValidate
        onSubmit={e => {
          e.preventDefault();
          submit();
        }}
      >
        <DetailsStep
          form={form}
          errors={errors}
          onChange={(field, value) => {
            setForm({ ...form, [field]: value });
            if (errors[field]) setErrors({ ...errors, [field]: undefined });
          }}
          onBlurName={() => {
            const error = form.name ? nameError(form.name) : undefined;
            setErrors({
              ...errors,
              name: error ? `Cluster name ${error}` : undefined,
            });
          }}
        />
        {generalErrors.length > 0 && (
          <Box mt={2}>
            <Alert severity="error" role="alert">
              {generalErrors.map(text => (
                <div key={text}>{text}</div>
              ))}
            </Alert>
          </Box>
        )}
      </form>
    );
  } else if (response) {
    content = <InstallStep response={response} />;
  }

  return (
    <GpuFleetLayout
      title="Attach a cluster"
      subtitle="Register a Kubernetes cluster and get the command that installs its agent"
    >
      <InfoCard>
        <Stepper activeStep={step} alternativeLabel>
          {STEPS.map(label => (
            <Step key={label}>
              <StepLabel>{label}</StepLabel>
            </Step>
          ))}
        </Stepper>
        <Box px={2}>
          <Typography
            variant="h5"
            component="h2"
            tabIndex={-1}
            ref={heading}
            gutterBottom
          >
            Step {step + 1} of {STEPS.length}: {STEPS[step]}
          </Typography>
          {content}
          <Box mt={3} display="flex">
            {step > 0 && step < 3 && (
              <Box mr={2}>
                <Button
                  variant="outlined"
                  onClick={() => setStep(step - 1)}
                  disabled={submitting}
                >
                  Back
                </Button>
              </Box>
            )}
            {step < 2 && (
              <Button
                variant="contained"
                color="primary"
                onClick={() => setStep(step + 1)}
              >
                Next
              </Button>
            )}
            {step === 2 && (
              <Button
                type="submit"
                form="attach-details"
                variant="contained"
                color="primary"
                disabled={submitting}
              >
                {submitting ? 'Attaching…' : 'Attach cluster'}
              </Button>
            )}
            {step === 3 && (
              <Button variant="outlined" onClick={restart}>
                Attach another cluster
              </Button>
            )}
          </Box>
        </Box>
      </InfoCard>
    </GpuFleetLayout>
  );
};
