/** Scaffolder actions that render, deploy and follow GPU Fleet deployments. */
export { scaffolderModuleGpuFleet as default } from './module';
export { createApplyDeploymentAction } from './actions/applyDeployment';
export { createRenderDeploymentAction } from './actions/renderDeployment';
export { createWaitForDeploymentAction } from './actions/waitForDeployment';
