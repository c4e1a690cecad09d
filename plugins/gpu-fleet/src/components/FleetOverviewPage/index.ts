export { FleetOverviewPage } from './FleetOverviewPage';
export type { FleetOverviewPageProps } from './FleetOverviewPage';
