import { Cluster, Workspace } from '@gpu-fleet/plugin-gpu-fleet-common';

/** The configured cluster owner, else whoever attached the cluster. */
export function clusterOwner(cluster: Cluster, configured?: string): string {
  return configured ?? cluster.createdBy;
}

/**
 * The workspace's admins' group: the first group with the admin role, else
 * its first admin (a user), else the owner of its cluster, so a workspace
 * nobody administers belongs to the fleet admins.
 */
export function workspaceOwner(
  workspace: Workspace,
  ownerOfCluster: string,
): string {
  const admins = workspace.members.filter(m => m.role === 'admin');
  const group = admins.find(m => m.ref.toLowerCase().startsWith('group:'));
  return (group ?? admins[0])?.ref ?? ownerOfCluster;
}
