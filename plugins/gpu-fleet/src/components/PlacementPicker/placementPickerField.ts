import type { FieldExtensionOptions } from '@backstage/plugin-scaffolder-react';
import {
  MAX_GPUS_PER_POD,
  PlacementChoice,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { GpuFleetPlacementPicker } from './GpuFleetPlacementPicker';
import { PlacementPickerUiOptions } from './formSiblings';
import { validatePlacement } from './validatePlacement';

/** The field as templates name it (`ui:field`), its check on Next, and its value's schema. */
export const placementPickerField: FieldExtensionOptions<
  Partial<PlacementChoice>,
  PlacementPickerUiOptions
> = {
  name: 'GpuFleetPlacementPicker',
  component: GpuFleetPlacementPicker,
  validation: validatePlacement,
  schema: {
    returnValue: {
      type: 'object',
      required: ['workspace', 'cluster', 'gpuType', 'gpuCount'],
      properties: {
        workspace: { type: 'string', description: 'Workspace name' },
        cluster: { type: 'string', description: "The workspace's cluster" },
        gpuType: { type: 'string', description: 'Normalised GPU type: H100' },
        gpuCount: {
          type: 'integer',
          minimum: 1,
          maximum: MAX_GPUS_PER_POD,
          description: 'GPUs per pod: per replica, or per MPI worker',
        },
      },
    },
    uiOptions: {
      type: 'object',
      properties: {
        podsFrom: {
          type: 'string',
          description:
            'The form field (a dotted path) holding the number of pods that multiplies gpuCount: workers, minReplicas. One pod when unset.',
        },
        capacityTypeFrom: {
          type: 'string',
          description:
            "The form field holding the manifest's capacity type (on-demand, spot, spot-with-fallback), for prices. The workspace's default when unset.",
        },
      },
    },
  },
};
