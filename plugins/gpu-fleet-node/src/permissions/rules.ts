import { WORKSPACE_ROLES, Workspace } from '@gpu-fleet/plugin-gpu-fleet-common';
import { createPermissionRule } from '@backstage/plugin-permission-node';
import { z } from 'zod';
import {
  clusterPermissionResourceRef,
  workspacePermissionResourceRef,
} from './resourceRefs';

const roleParams = z.object({
  claims: z
    .array(z.string())
    .describe(
      "The caller's user and group entity refs (its ownership refs, nested groups included)",
    ),
  roles: z
    .array(z.enum(WORKSPACE_ROLES))
    .describe('Roles that satisfy the rule'),
});

// Entity refs compare case-insensitively, as in the catalog.
function holdsRole(
  workspace: Workspace,
  params: z.infer<typeof roleParams>,
): boolean {
  const claims = new Set(params.claims.map(c => c.toLowerCase()));
  return workspace.members.some(
    m => claims.has(m.ref.toLowerCase()) && params.roles.includes(m.role),
  );
}

const hasRole = createPermissionRule({
  name: 'HAS_ROLE',
  description:
    'Allow when one of the claims (a user or group ref) holds one of the roles in the workspace',
  resourceRef: workspacePermissionResourceRef,
  paramsSchema: roleParams,
  apply: (workspace, params) => holdsRole(workspace, params),
  toQuery: params => ({
    kind: 'has-role',
    claims: params.claims.map(c => c.toLowerCase()),
    roles: params.roles,
  }),
});

const isOnCluster = createPermissionRule({
  name: 'IS_ON_CLUSTER',
  description: 'Allow when the workspace is on one of the clusters',
  resourceRef: workspacePermissionResourceRef,
  paramsSchema: z.object({
    clusters: z.array(z.string()).describe('Cluster names'),
  }),
  apply: (workspace, { clusters }) => clusters.includes(workspace.cluster),
  toQuery: ({ clusters }) => ({ kind: 'on-cluster', clusters }),
});

/** Rules for conditional decisions on workspace permissions. */
export const workspacePermissionRules = { hasRole, isOnCluster };

const hasWorkspaceRole = createPermissionRule({
  name: 'HAS_WORKSPACE_ROLE',
  description:
    'Allow when one of the claims holds one of the roles in some workspace on the cluster',
  resourceRef: clusterPermissionResourceRef,
  paramsSchema: roleParams,
  apply: (resource, params) =>
    resource.workspaces.some(w => holdsRole(w, params)),
  toQuery: params => ({
    kind: 'has-workspace-role',
    claims: params.claims.map(c => c.toLowerCase()),
    roles: params.roles,
  }),
});

const isCluster = createPermissionRule({
  name: 'IS_CLUSTER',
  description: 'Allow when the cluster is one of those named',
  resourceRef: clusterPermissionResourceRef,
  paramsSchema: z.object({
    names: z.array(z.string()).describe('Cluster names'),
  }),
  apply: (resource, { names }) => names.includes(resource.cluster.name),
  toQuery: ({ names }) => ({ kind: 'is-cluster', names }),
});

/** Rules for conditional decisions on cluster permissions. */
export const clusterPermissionRules = { hasWorkspaceRole, isCluster };
