import {
  Cluster,
  GPU_FLEET_CLUSTER_RESOURCE_TYPE,
  GPU_FLEET_WORKSPACE_RESOURCE_TYPE,
  Workspace,
  WorkspaceRole,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { createPermissionResourceRef } from '@backstage/plugin-permission-node';

/**
 * The filters GPU Fleet's rules translate to; the backend's stores turn
 * them into SQL, so that lists are filtered in the database.
 */
export type WorkspaceQuery =
  | { kind: 'has-role'; claims: string[]; roles: WorkspaceRole[] }
  | { kind: 'on-cluster'; clusters: string[] };

export type ClusterQuery =
  | { kind: 'has-workspace-role'; claims: string[]; roles: WorkspaceRole[] }
  | { kind: 'is-cluster'; names: string[] };

export const workspacePermissionResourceRef = createPermissionResourceRef<
  Workspace,
  WorkspaceQuery
>().with({
  pluginId: 'gpu-fleet',
  resourceType: GPU_FLEET_WORKSPACE_RESOURCE_TYPE,
});

/**
 * Rules about clusters see the cluster and the workspaces on it (with
 * their members), so that "has a role on this cluster" can be decided.
 */
export interface ClusterPermissionResource {
  cluster: Cluster;
  workspaces: Workspace[];
}

export const clusterPermissionResourceRef = createPermissionResourceRef<
  ClusterPermissionResource,
  ClusterQuery
>().with({
  pluginId: 'gpu-fleet',
  resourceType: GPU_FLEET_CLUSTER_RESOURCE_TYPE,
});
