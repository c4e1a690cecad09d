export { DeploymentListPage } from './DeploymentListPage';
