import type {
  WorkspaceAccess,
  WorkspaceRole,
} from '@gpu-fleet/plugin-gpu-fleet-common';

/**
 * The caller's role as the permission policy's decisions imply it. Fleet
 * admins get every right without membership, so they read as admin too.
 */
export function callerRole(access: WorkspaceAccess): WorkspaceRole {
  if (access.administer) return 'admin';
  if (access.deploy) return 'deployer';
  return 'viewer';
}
