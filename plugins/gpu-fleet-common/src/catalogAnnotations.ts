/**
 * Annotations GPU Fleet's catalog provider sets on the entities it emits,
 * so entity pages can find the cluster, workspace or deployment behind one.
 */
export const GPU_FLEET_CLUSTER_ANNOTATION = 'gpu-fleet.io/cluster';
/** The workspace's name, on workspace Resources and deployment Components. */
export const GPU_FLEET_WORKSPACE_ANNOTATION = 'gpu-fleet.io/workspace';
/** The deployment's name within its workspace, on deployment Components. */
export const GPU_FLEET_DEPLOYMENT_ANNOTATION = 'gpu-fleet.io/deployment';
