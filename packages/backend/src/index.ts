import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

// Serves the app's production build from the backend.
backend.add(import('@backstage/plugin-app-backend'));

// Sign-in: guest for a quick look, and OpenID Connect (locally the demo IdP
// in packages/dev-oidc, in production your company's); see README.
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
backend.add(import('@backstage/plugin-auth-backend-module-oidc-provider'));

backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));
// GPU Fleet's clusters and workspaces as Resources, deployments as Components.
backend.add(import('@gpu-fleet/plugin-catalog-backend-module-gpu-fleet'));

backend.add(import('@backstage/plugin-scaffolder-backend'));
// Templates' actions: render, commit and deliver, and follow a GPU Fleet deployment.
backend.add(import('@gpu-fleet/plugin-scaffolder-backend-module-gpu-fleet'));

backend.add(import('@backstage/plugin-kubernetes-backend'));
// The stock Kubernetes tab reaches GPU Fleet's clusters through the agent
// tunnel, as the signed-in user.
backend.add(import('@gpu-fleet/plugin-kubernetes-backend-module-gpu-fleet'));

backend.add(import('@backstage/plugin-permission-backend'));
// GPU Fleet's default RBAC (fleet admins, workspace roles); every other
// plugin's permissions stay allowed, as under allow-all. Replace this module
// with your own policy to change either.
backend.add(
  import('@gpu-fleet/plugin-permission-backend-module-gpu-fleet-policy'),
);

backend.add(import('@backstage/plugin-signals-backend'));
// The events bus: GPU Fleet announces registry changes the catalog applies at once.
backend.add(import('@backstage/plugin-events-backend'));

// GPU Fleet: cluster registry and its REST API.
backend.add(import('@gpu-fleet/plugin-gpu-fleet-backend'));

backend.start();
