import type { CustomFieldValidator } from '@backstage/plugin-scaffolder-react';
import {
  PlacementChoice,
  placementRefusals,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { errorMessage } from '../../api/apiErrors';
import { gpuFleetApiRef } from '../../api/GpuFleetApi';
import { PlacementPickerUiOptions, podCount } from './formSiblings';

/**
 * Checks the choice against the fleet as it is when the person presses
 * Next, not as the field last saw it: capacity moves, and so do roles.
 */
export const validatePlacement: CustomFieldValidator<
  Partial<PlacementChoice>,
  PlacementPickerUiOptions
> = async (choice, validation, { apiHolder, formData, uiSchema }) => {
  const api = apiHolder.get(gpuFleetApiRef);
  if (!api) {
    validation.addError('The GPU Fleet API is not available in this app.');
    return;
  }
  let options;
  try {
    options = await api.getPlacementOptions();
  } catch (error) {
    validation.addError(
      `Could not check the placement against the fleet: ${errorMessage(error)}`,
    );
    return;
  }
  const { pods } = podCount(formData, uiSchema?.['ui:options']?.podsFrom);
  for (const refusal of placementRefusals(options.workspaces, choice, pods)) {
    validation.addError(refusal.message);
  }
};
