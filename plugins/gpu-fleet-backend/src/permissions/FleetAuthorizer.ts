import {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  PermissionCriteria,
  PolicyDecision,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  createConditionAuthorizer,
  createConditionTransformer,
  PermissionRuleset,
} from '@backstage/plugin-permission-node';
import { Workspace } from '@gpu-fleet/plugin-gpu-fleet-common';
import {
  ClusterPermissionResource,
  ClusterQuery,
  WorkspaceQuery,
} from '@gpu-fleet/plugin-gpu-fleet-node';
import { Request } from 'express';

/** Who acts, for the audit log: the user's ref or the calling service. */
export function actorOf(credentials: BackstageCredentials): string {
  const principal = credentials.principal as {
    userEntityRef?: string;
    subject?: string;
  };
  return principal.userEntityRef ?? principal.subject ?? 'unknown';
}

/**
 * Asks the permission framework for a conditional decision and applies it
 * here, to the workspace or cluster at hand: one question per permission
 * and caller, whatever the resource, and lists filtered in the database.
 */
export class FleetAuthorizer {
  private readonly workspaceAllows: (
    decision: PolicyDecision,
    workspace: Workspace,
  ) => boolean;
  private readonly clusterAllows: (
    decision: PolicyDecision,
    resource: ClusterPermissionResource,
  ) => boolean;
  private readonly toWorkspaceQuery;
  private readonly toClusterQuery;

  constructor(
    private readonly deps: {
      httpAuth: HttpAuthService;
      permissions: PermissionsService;
    },
    rulesets: {
      workspace: PermissionRuleset<Workspace, WorkspaceQuery>;
      cluster: PermissionRuleset<ClusterPermissionResource, ClusterQuery>;
    },
    private readonly clusterResource: (
      name: string,
    ) => Promise<ClusterPermissionResource | undefined>,
  ) {
    this.workspaceAllows = createConditionAuthorizer(rulesets.workspace);
    this.clusterAllows = createConditionAuthorizer(rulesets.cluster);
    this.toWorkspaceQuery = createConditionTransformer(rulesets.workspace);
    this.toClusterQuery = createConditionTransformer(rulesets.cluster);
  }

  /** Never a 'none' principal, even on a route the router lets through. */
  credentials(req: Request): Promise<BackstageCredentials> {
    return this.deps.httpAuth.credentials(req, { allow: ['user', 'service'] });
  }

  async decide(
    credentials: BackstageCredentials,
    permission: ResourcePermission,
  ): Promise<PolicyDecision> {
    const [decision] = await this.deps.permissions.authorizeConditional(
      [{ permission }],
      { credentials },
    );
    return decision;
  }

  allowsWorkspace(decision: PolicyDecision, workspace: Workspace): boolean {
    return this.workspaceAllows(decision, workspace);
  }

  async allowsCluster(
    decision: PolicyDecision,
    cluster: string,
  ): Promise<boolean> {
    if (decision.result !== AuthorizeResult.CONDITIONAL) {
      return decision.result === AuthorizeResult.ALLOW;
    }
    const resource = await this.clusterResource(cluster);
    return resource ? this.clusterAllows(decision, resource) : false;
  }

  /** The caller's credentials, once `permission` on `workspace` is allowed. */
  async requireWorkspace(
    req: Request,
    permission: ResourcePermission,
    workspace: Workspace,
  ): Promise<BackstageCredentials> {
    const credentials = await this.credentials(req);
    const decision = await this.decide(credentials, permission);
    if (!this.allowsWorkspace(decision, workspace)) {
      throw new NotAllowedError(
        `not allowed: ${permission.name} on workspace '${workspace.name}'`,
      );
    }
    return credentials;
  }

  /**
   * The filter a list must apply: undefined for all, criteria for some;
   * a caller allowed none is refused.
   */
  async workspaceFilter(
    credentials: BackstageCredentials,
    permission: ResourcePermission,
  ): Promise<PermissionCriteria<WorkspaceQuery> | undefined> {
    const decision = await this.decide(credentials, permission);
    if (decision.result === AuthorizeResult.DENY) {
      throw new NotAllowedError(`not allowed: ${permission.name}`);
    }
    return decision.result === AuthorizeResult.CONDITIONAL
      ? this.toWorkspaceQuery(decision.conditions)
      : undefined;
  }

  async clusterFilter(
    credentials: BackstageCredentials,
    permission: ResourcePermission,
  ): Promise<PermissionCriteria<ClusterQuery> | undefined> {
    const decision = await this.decide(credentials, permission);
    if (decision.result === AuthorizeResult.DENY) {
      throw new NotAllowedError(`not allowed: ${permission.name}`);
    }
    return decision.result === AuthorizeResult.CONDITIONAL
      ? this.toClusterQuery(decision.conditions)
      : undefined;
  }
}
