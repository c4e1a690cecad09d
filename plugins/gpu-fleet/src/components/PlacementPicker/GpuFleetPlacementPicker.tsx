import { useApi } from '@backstage/core-plugin-api';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import { Box, Grid, TextField, Typography } from '@material-ui/core';
import {
  PlacementChoice,
  PlacementField,
  placementRefusals,
  PlacementWorkspaceOption,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { ReactNode, useEffect, useState } from 'react';
import { errorMessage } from '../../api/apiErrors';
import { gpuFleetApiRef } from '../../api/GpuFleetApi';
import { usePolledAsync } from '../../hooks/usePolledAsync';
import {
  capacityTypeAskedFor,
  PlacementPickerUiOptions,
  podCount,
} from './formSiblings';
import {
  gpuTypeLabel,
  totalGpusText,
  totalPriceText,
  workspaceLabel,
} from './placementText';

/** Free GPUs move as others deploy; the choice is checked again on Next. */
const REFRESH_MS = 10_000;

export type GpuFleetPlacementPickerProps = FieldExtensionComponentProps<
  Partial<PlacementChoice>,
  PlacementPickerUiOptions
>;

/** One line per message, in place of the help text. */
const Lines = ({ lines }: { lines: string[] }) => (
  <>
    {lines.map(line => (
      <span key={line} style={{ display: 'block' }}>
        {line}
      </span>
    ))}
  </>
);

const Select = ({
  id,
  label,
  value,
  options,
  onChange,
  help,
  errors,
  required,
  disabled,
}: {
  id: string;
  label: string;
  value: string;
  options: Array<[string, string]>;
  onChange(value: string): void;
  help: ReactNode;
  errors: string[];
  required?: boolean;
  disabled?: boolean;
}) => (
  <TextField
    id={id}
    label={label}
    select
    fullWidth
    margin="normal"
    variant="outlined"
    required={required}
    disabled={disabled}
    value={value}
    onChange={e => onChange(e.target.value)}
    error={errors.length > 0}
    helperText={errors.length > 0 ? <Lines lines={errors} /> : help}
    SelectProps={{ native: true }}
    // A native select always shows an option: its label stays above it.
    InputLabelProps={{ shrink: true }}
  >
    {options.map(([optionValue, optionLabel]) => (
      <option key={optionValue} value={optionValue}>
        {optionLabel}
      </option>
    ))}
  </TextField>
);

/**
 * The scaffolder field that places a deployment: a workspace the person
 * may deploy into, a GPU type its cluster has, and GPUs per pod, with
 * what is free and what it costs now. A choice that cannot run says why
 * beside the input at fault, before the person presses Next.
 */
export const GpuFleetPlacementPicker = ({
  formData,
  onChange,
  schema,
  uiSchema,
  formContext,
  idSchema,
  required,
  disabled,
}: GpuFleetPlacementPickerProps) => {
  const api = useApi(gpuFleetApiRef);
  const options = usePolledAsync(
    () => api.getPlacementOptions(),
    [api],
    REFRESH_MS,
  );
  // What the person is typing, until it is a number the value holds.
  const [countText, setCountText] = useState<string>();

  const choice = formData ?? {};
  const loaded = options.value;
  const workspaces = loaded?.workspaces ?? [];
  const currency = loaded?.currency ?? 'USD';
  const workspace = workspaces.find(w => w.workspace === choice.workspace);
  const gpu = workspace?.gpuTypes.find(g => g.gpuType === choice.gpuType);
  const uiOptions = uiSchema?.['ui:options'];
  const siblings = formContext?.formData;
  const pods = podCount(siblings, uiOptions?.podsFrom);
  const askedCapacityType = capacityTypeAskedFor(
    siblings,
    uiOptions?.capacityTypeFrom,
  );
  // Prices follow what the manifest will ask for, else the workspace default.
  const capacityType = askedCapacityType ?? workspace?.capacityType;
  const id = idSchema?.$id ?? 'gpu-fleet-placement';

  /** The workspace with the GPU type kept where its cluster has it, else the one most free. */
  const place = (next: PlacementWorkspaceOption) => {
    const keep =
      choice.gpuType && next.gpuTypes.some(g => g.gpuType === choice.gpuType);
    setCountText(undefined);
    onChange({
      workspace: next.workspace,
      cluster: next.cluster,
      gpuType: keep ? choice.gpuType : next.gpuTypes[0]?.gpuType ?? '',
      gpuCount: choice.gpuCount ?? 1,
    });
  };

  // With one workspace to choose from, it is chosen.
  const only = workspaces.length === 1 ? workspaces[0] : undefined;
  useEffect(() => {
    if (only && !choice.workspace) place(only);
    // `place` is new on every render; what counts is the options and the choice.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [only, choice.workspace]);

  // "Choose …" is for Next to say; a made choice that cannot run is said now.
  const refusals = loaded
    ? placementRefusals(workspaces, choice, pods.pods).filter(
        r =>
          !(r.field === 'workspace' && !choice.workspace) &&
          !(r.field === 'gpuType' && !choice.gpuType),
      )
    : [];
  const errorsAt = (field: PlacementField) =>
    refusals.filter(r => r.field === field).map(r => r.message);

  const workspaceOptions: Array<[string, string]> = [
    ['', 'Choose a workspace'],
    ...workspaces.map<[string, string]>(w => [w.workspace, workspaceLabel(w)]),
  ];
  // A value from elsewhere (a link, a former role) stays visible, refused.
  if (choice.workspace && !workspace) {
    workspaceOptions.push([choice.workspace, choice.workspace]);
  }
  let workspaceHelp: ReactNode;
  if (!loaded && options.loading) {
    workspaceHelp = 'Loading the workspaces you may deploy into…';
  } else if (!loaded) {
    workspaceHelp = `Could not load the workspaces you may deploy into: ${errorMessage(
      options.error,
    )}`;
  } else if (workspaces.length === 0) {
    workspaceHelp =
      'You may deploy into no workspace. A workspace admin can make you a deployer.';
  } else if (workspace) {
    workspaceHelp = `Namespace ${workspace.namespace} on cluster ${
      workspace.cluster
    }; pods are bought ${capacityType}${
      askedCapacityType ? '' : " (the workspace's default)"
    }.`;
  } else {
    workspaceHelp = 'Only workspaces where you may deploy are listed.';
  }

  const gpuOptions: Array<[string, string]> = [
    ['', 'Choose a GPU type'],
    ...(workspace?.gpuTypes ?? []).map<[string, string]>(g => [
      g.gpuType,
      gpuTypeLabel(g, capacityType!, currency),
    ]),
  ];
  if (choice.gpuType && !gpu) {
    gpuOptions.push([choice.gpuType, choice.gpuType]);
  }
  let gpuHelp: ReactNode = 'Choose a workspace to see its GPUs.';
  if (workspace && workspace.gpuTypes.length === 0) {
    gpuHelp = workspace.reportedAt
      ? `Cluster ${workspace.cluster} has no GPUs a deployment can ask for.`
      : `Cluster ${workspace.cluster} has not reported its GPUs yet.`;
  } else if (workspace) {
    gpuHelp = `Free now on cluster ${workspace.cluster}, in ${currency}.`;
  }

  const perWhat = pods.from ? ` (each of ${pods.from})` : '';
  const countHelp = gpu
    ? `GPUs per pod${perWhat}; a ${gpu.gpuType} node holds at most ${gpu.maxPerNode}.`
    : `GPUs per pod${perWhat}.`;
  const count = choice.gpuCount;
  // Totals help most when a count is refused, so they show for any whole count.
  const countIsWhole = Number.isInteger(count) && count! >= 1;

  return (
    <Box mt={2} mb={1}>
      <Typography variant="subtitle1" component="h3">
        {schema.title ?? 'Placement'}
      </Typography>
      {schema.description && (
        <Typography variant="body2" color="textSecondary">
          {schema.description}
        </Typography>
      )}
      <Grid container spacing={2}>
        <Grid item xs={12}>
          <Select
            id={`${id}-workspace`}
            label="Workspace"
            value={choice.workspace ?? ''}
            options={workspaceOptions}
            required={required}
            disabled={disabled}
            help={workspaceHelp}
            errors={errorsAt('workspace')}
            onChange={name => {
              const next = workspaces.find(w => w.workspace === name);
              if (next) place(next);
              else onChange(undefined);
            }}
          />
        </Grid>
        <Grid item xs={12} md={8}>
          <Select
            id={`${id}-gpu-type`}
            label="GPU type"
            value={choice.gpuType ?? ''}
            options={gpuOptions}
            required={required}
            disabled={disabled || !workspace}
            help={gpuHelp}
            errors={errorsAt('gpuType')}
            onChange={gpuType => onChange({ ...choice, gpuType })}
          />
        </Grid>
        <Grid item xs={12} md={4}>
          <TextField
            id={`${id}-gpu-count`}
            label="GPUs per pod"
            type="number"
            fullWidth
            margin="normal"
            variant="outlined"
            required={required}
            disabled={disabled || !workspace}
            value={countText ?? (count === undefined ? '' : String(count))}
            onChange={e => {
              const text = e.target.value;
              setCountText(text);
              const number = text.trim() === '' ? NaN : Number(text);
              onChange({
                ...choice,
                gpuCount: Number.isFinite(number) ? number : undefined,
              });
            }}
            inputProps={{ min: 1, step: 1 }}
            error={errorsAt('gpuCount').length > 0}
            helperText={
              errorsAt('gpuCount').length > 0 ? (
                <Lines lines={errorsAt('gpuCount')} />
              ) : (
                countHelp
              )
            }
          />
        </Grid>
      </Grid>
      {workspace && gpu && countIsWhole && (
        <Box aria-live="polite">
          <Typography variant="body2">
            {totalGpusText(gpu.gpuType, count!, pods)}
          </Typography>
          <Typography variant="body2">
            {totalPriceText(
              gpu,
              workspace,
              capacityType!,
              currency,
              count! * pods.pods,
            )}
          </Typography>
        </Box>
      )}
    </Box>
  );
};
