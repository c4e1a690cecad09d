import { createBackendModule } from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { deploymentsServiceRef } from '@gpu-fleet/plugin-gpu-fleet-node';
import { createApplyDeploymentAction } from './actions/applyDeployment';
import { createRenderDeploymentAction } from './actions/renderDeployment';
import { createWaitForDeploymentAction } from './actions/waitForDeployment';

/** GPU Fleet's scaffolder actions: render, apply and wait for a deployment. */
export const scaffolderModuleGpuFleet = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'gpu-fleet',
  register(env) {
    env.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        deployments: deploymentsServiceRef,
      },
      async init({ scaffolder, deployments }) {
        scaffolder.addActions(
          createRenderDeploymentAction({ deployments }),
          createApplyDeploymentAction({ deployments }),
          createWaitForDeploymentAction({ deployments }),
        );
      },
    });
  },
});
