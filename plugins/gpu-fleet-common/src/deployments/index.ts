export * from './manifestSchema';
