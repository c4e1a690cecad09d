import { stringifyEntityRef } from '@backstage/catalog-model';

/**
 * Catalog names of GPU Fleet's entities. Cluster and workspace Resources
 * live in catalog namespaces of their own, so a cluster and a workspace of
 * the same name never collide; deployments are Components in a namespace
 * named after their workspace, and no Resource is ever a Component.
 */
export const CLUSTERS_NAMESPACE = 'gpu-fleet-clusters';
export const WORKSPACES_NAMESPACE = 'gpu-fleet-workspaces';

/** spec.type of a cluster Resource. */
export const CLUSTER_RESOURCE_TYPE = 'kubernetes-cluster';
/** spec.type of a workspace Resource. */
export const WORKSPACE_RESOURCE_TYPE = 'gpu-fleet-workspace';

export function clusterEntityName(cluster: string) {
  return { kind: 'Resource', namespace: CLUSTERS_NAMESPACE, name: cluster };
}

export function workspaceEntityName(workspace: string) {
  return { kind: 'Resource', namespace: WORKSPACES_NAMESPACE, name: workspace };
}

export function deploymentEntityName(workspace: string, deployment: string) {
  return { kind: 'Component', namespace: workspace, name: deployment };
}

/** `resource:gpu-fleet-clusters/<cluster>` */
export function clusterEntityRef(cluster: string): string {
  return stringifyEntityRef(clusterEntityName(cluster));
}

/** `resource:gpu-fleet-workspaces/<workspace>` */
export function workspaceEntityRef(workspace: string): string {
  return stringifyEntityRef(workspaceEntityName(workspace));
}

/** `component:<workspace>/<deployment>` */
export function deploymentEntityRef(
  workspace: string,
  deployment: string,
): string {
  return stringifyEntityRef(deploymentEntityName(workspace, deployment));
}
