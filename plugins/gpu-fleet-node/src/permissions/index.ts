export * from './resourceRefs';
export * from './rules';
export * from './conditions';
