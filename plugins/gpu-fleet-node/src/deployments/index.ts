export { deploymentsServiceRef } from './deploymentsServiceRef';
export { DeploymentsClient } from './DeploymentsClient';
export type { DeploymentKey, DeploymentsService } from './DeploymentsClient';
