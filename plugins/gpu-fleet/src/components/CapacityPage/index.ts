export { CapacityPage } from './CapacityPage';
export type { CapacityPageProps } from './CapacityPage';
