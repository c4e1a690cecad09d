export { GpuFleetPlacementPicker } from './GpuFleetPlacementPicker';
export type { GpuFleetPlacementPickerProps } from './GpuFleetPlacementPicker';
export { validatePlacement } from './validatePlacement';
export type { PlacementPickerUiOptions } from './formSiblings';
export { placementPickerField } from './placementPickerField';
