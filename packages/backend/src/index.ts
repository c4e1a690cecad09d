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

backend.add(import('@backstage/plugin-scaffolder-backend'));

backend.add(import('@backstage/plugin-kubernetes-backend'));

backend.add(import('@backstage/plugin-permission-backend'));
// GPU Fleet's default RBAC (fleet admins, workspace roles); every other
// plugin's permissions stay allowed, as under allow-all. Replace this module
// with your own policy to change either.
backend.add(
  import('@gpu-fleet/plugin-permission-backend-module-gpu-fleet-policy'),
);

backend.add(import('@backstage/plugin-signals-backend'));

// GPU Fleet: cluster registry and its REST API.
backend.add(import('@gpu-fleet/plugin-gpu-fleet-backend'));

backend.start();
