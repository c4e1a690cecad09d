import {
  AuthorizeResult,
  isResourcePermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  gpuFleetCapacityReadPermission,
  gpuFleetClusterReadPermission,
  gpuFleetPermissions,
  gpuFleetWorkspaceKubeAdminPermission,
  gpuFleetWorkspaceKubeReadPermission,
  gpuFleetWorkspaceKubeWritePermission,
  gpuFleetWorkspaceReadPermission,
  gpuFleetWorkspaceUpdatePermission,
  GPU_FLEET_WORKSPACE_RESOURCE_TYPE,
  rolesAtLeast,
  WorkspaceRole,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import {
  createWorkspaceConditionalDecision,
  workspaceConditions,
  WorkspaceClaimsResolver,
} from '@gpu-fleet/plugin-gpu-fleet-node';

const GPU_FLEET_PERMISSION_NAMES = new Set(
  gpuFleetPermissions.map(p => p.name),
);

/** Every signed-in user: the portal's fleet and capacity pages. */
const FOR_EVERY_USER = new Set([
  gpuFleetClusterReadPermission.name,
  gpuFleetCapacityReadPermission.name,
]);

/** The least workspace role each workspace permission needs. */
const WORKSPACE_ROLE_NEEDED: Record<string, WorkspaceRole> = {
  [gpuFleetWorkspaceReadPermission.name]: 'viewer',
  [gpuFleetWorkspaceKubeReadPermission.name]: 'viewer',
  [gpuFleetWorkspaceKubeWritePermission.name]: 'deployer',
  [gpuFleetWorkspaceKubeAdminPermission.name]: 'admin',
  [gpuFleetWorkspaceUpdatePermission.name]: 'admin',
};

const allow: PolicyDecision = { result: AuthorizeResult.ALLOW };
const deny: PolicyDecision = { result: AuthorizeResult.DENY };

/** Backstage's allow-all: what other plugins' permissions got before this policy. */
export const allowAllPolicy: PermissionPolicy = {
  async handle() {
    return allow;
  },
};

export interface GpuFleetPermissionPolicyOptions {
  /** From gpuFleet.admins: lower-case user and group refs. */
  admins: Set<string>;
  claims: Pick<WorkspaceClaimsResolver, 'claims'>;
  /** Decides every permission that is not GPU Fleet's; allow-all by default. */
  fallback?: PermissionPolicy;
}

/**
 * GPU Fleet's default RBAC. Fleet admins may do everything; every user reads
 * clusters and capacity; workspace permissions are conditional on the
 * caller's role in the workspace (through any of their groups, nested
 * included); only fleet admins attach, change and detach clusters, create
 * and delete workspaces, and reach a cluster's API outside workspace
 * namespaces. Calls from other backend plugins with their own service
 * credentials are allowed: a plugin acting for a user passes the user's
 * credentials and is decided as that user. Other plugins' permissions go to
 * `fallback`.
 */
export class GpuFleetPermissionPolicy implements PermissionPolicy {
  private readonly fallback: PermissionPolicy;

  constructor(private readonly options: GpuFleetPermissionPolicyOptions) {
    this.fallback = options.fallback ?? allowAllPolicy;
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const { permission } = request;
    if (!GPU_FLEET_PERMISSION_NAMES.has(permission.name)) {
      return this.fallback.handle(request, user);
    }
    if (!user) return allow;
    const claims = await this.options.claims.claims(user.info);
    if (claims.some(ref => this.options.admins.has(ref))) return allow;
    if (FOR_EVERY_USER.has(permission.name)) return allow;

    const role = WORKSPACE_ROLE_NEEDED[permission.name];
    if (
      role &&
      isResourcePermission(permission, GPU_FLEET_WORKSPACE_RESOURCE_TYPE)
    ) {
      return createWorkspaceConditionalDecision(
        permission,
        workspaceConditions.hasRole({ claims, roles: rolesAtLeast(role) }),
      );
    }
    return deny;
  }
}
