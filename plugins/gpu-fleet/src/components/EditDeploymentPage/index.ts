export { EditDeploymentPage } from './EditDeploymentPage';
