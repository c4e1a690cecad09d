export { DeploymentPage } from './DeploymentPage';
