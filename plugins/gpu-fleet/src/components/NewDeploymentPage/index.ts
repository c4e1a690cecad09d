export { NewDeploymentPage } from './NewDeploymentPage';
