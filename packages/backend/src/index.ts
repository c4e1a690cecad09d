import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

// Serves the app's production build from the backend.
backend.add(import('@backstage/plugin-app-backend'));

// Guest sign-in for local use; see README for a real provider.
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));

backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

backend.add(import('@backstage/plugin-scaffolder-backend'));

backend.add(import('@backstage/plugin-kubernetes-backend'));

backend.add(import('@backstage/plugin-permission-backend'));
backend.add(
  import('@backstage/plugin-permission-backend-module-allow-all-policy'),
);

backend.add(import('@backstage/plugin-signals-backend'));

// GPU Fleet: cluster registry and its REST API.
backend.add(import('@gpu-fleet/plugin-gpu-fleet-backend'));

backend.start();
