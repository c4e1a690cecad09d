/**
 * The `kubernetes.io/auth-provider` of GPU Fleet's clusters in Backstage's
 * Kubernetes plugin. The backend reaches them through the agent tunnel as the
 * signed-in user, so the browser has nothing to add to its requests.
 * Backstage's strategy names may not contain dashes.
 */
export const GPU_FLEET_KUBERNETES_AUTH_PROVIDER = 'gpufleet';
