export * from './manifestSchema';
export * from './placementRequirements';
