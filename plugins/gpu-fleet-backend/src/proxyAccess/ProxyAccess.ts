import { createHash } from 'node:crypto';
import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  PolicyDecision,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  gpuFleetClusterProxyPermission,
  gpuFleetClusterReadPermission,
  gpuFleetWorkspaceKubeReadPermission,
  Workspace,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { Request } from 'express';
import { TunnelRequestError } from '../gateway/TunnelStream';
import { actorOf, FleetAuthorizer } from '../permissions/FleetAuthorizer';
import { WorkspaceStore } from '../workspaces/WorkspaceStore';
import { KubeRequestAttributes, READ_VERBS } from './kubeRequestAttributes';
import {
  isClusterReaderRequest,
  workspacePermissionFor,
} from './proxyPermissions';

const MAX_ENTRIES = 10_000;
const CALLER_KEY = Symbol('gpu-fleet proxy caller key');
type CallerKeyed = Request & { [CALLER_KEY]?: string };

interface Remembered {
  credentials: BackstageCredentials;
  decision: PolicyDecision;
}

/** Who asked and what the proxy let them do, for the audit log. */
export interface ProxyGrant {
  actor: string;
  /** The workspace whose role allowed it; undefined for admins and cluster reads. */
  workspace?: string;
}

function forbidden(message: string): TunnelRequestError {
  return new TunnelRequestError(message, 403);
}

function describe(attributes: KubeRequestAttributes): string {
  const resource = [attributes.resource, attributes.subresource]
    .filter(Boolean)
    .join('/');
  const group = attributes.apiGroup
    ? ` in API group "${attributes.apiGroup}"`
    : '';
  return `${attributes.verb} ${
    resource ? `"${resource}"` : 'this path'
  }${group}`;
}

/**
 * Decides each proxied request on cluster × namespace × resource × verb.
 * The policy's decision per caller and permission is remembered for a few
 * seconds (kubectl and controllers send many requests a second, and a
 * decision costs a token check and an HTTP round trip); the conditions in
 * it are applied to the namespace's workspace afresh on every request, so
 * an allow in one namespace never carries over to another, and a change of
 * members counts at once. Like the API server's webhook authorizer, denials
 * are remembered too (a non-admin is refused the fleet-admin permission on
 * every request); a new policy-level grant counts within the TTL. Nothing
 * outlives the token.
 */
export class ProxyAccess {
  private readonly remembered = new Map<
    string,
    Remembered & { until: number }
  >();
  private readonly asking = new Map<string, Promise<Remembered>>();

  constructor(
    private readonly authorizer: FleetAuthorizer,
    private readonly workspaces: Pick<
      WorkspaceStore,
      'getByNamespace' | 'listOnCluster'
    >,
    private readonly ttlMs: number,
  ) {}

  async authorize(
    req: Request,
    cluster: string,
    attributes: KubeRequestAttributes,
  ): Promise<ProxyGrant> {
    const admin = await this.decision(req, gpuFleetClusterProxyPermission);
    const actor = actorOf(admin.credentials);
    if (await this.authorizer.allowsCluster(admin.decision, cluster)) {
      return { actor };
    }
    if (isClusterReaderRequest(attributes)) {
      const read = await this.decision(req, gpuFleetClusterReadPermission);
      if (await this.authorizer.allowsCluster(read.decision, cluster)) {
        return { actor };
      }
      throw forbidden(
        `${actor} may not read cluster '${cluster}' (gpu-fleet.cluster.read)`,
      );
    }
    const namespace = attributes.namespace;
    if (namespace === undefined) {
      const across =
        READ_VERBS.has(attributes.verb) && attributes.resource
          ? ' across all namespaces'
          : ' at the cluster scope';
      const yours = await this.yourNamespaces(req, cluster);
      throw forbidden(
        `${actor} may not ${describe(
          attributes,
        )}${across} on cluster '${cluster}': ${yours}`,
      );
    }
    const workspace = await this.workspaces.getByNamespace(cluster, namespace);
    if (!workspace) {
      const yours = await this.yourNamespaces(req, cluster);
      throw forbidden(
        `namespace "${namespace}" on cluster '${cluster}' is not a GPU Fleet workspace you may use: ${yours}`,
      );
    }
    const permission = workspacePermissionFor(attributes);
    const { decision } = await this.decision(req, permission);
    if (!this.authorizer.allowsWorkspace(decision, workspace)) {
      throw forbidden(
        `${actor} may not ${describe(
          attributes,
        )} in namespace "${namespace}" ` +
          `(workspace '${workspace.name}' does not grant ${permission.name})`,
      );
    }
    return { actor, workspace: workspace.name };
  }

  /** The namespaces on this cluster the caller may read, for a refusal to name. */
  private async yourNamespaces(req: Request, cluster: string) {
    const { decision } = await this.decision(
      req,
      gpuFleetWorkspaceKubeReadPermission,
    );
    const mine = (await this.workspaces.listOnCluster(cluster))
      .filter((w: Workspace) => this.authorizer.allowsWorkspace(decision, w))
      .map(w => w.namespace);
    return mine.length > 0
      ? `use your workspace namespace${mine.length > 1 ? 's' : ''} ${mine
          .map(n => `"${n}"`)
          .join(', ')}`
      : 'you have no workspace on this cluster';
  }

  private async decision(
    req: Request,
    permission: ResourcePermission,
  ): Promise<Remembered> {
    const header = req.headers.authorization;
    if (this.ttlMs <= 0 || !header) return this.ask(req, permission);
    // One hash of the header per request, however many permissions it needs.
    const caller = ((req as CallerKeyed)[CALLER_KEY] ??= createHash('sha256')
      .update(header)
      .digest('base64url'));
    const key = `${permission.name}\n${caller}`;
    const entry = this.remembered.get(key);
    if (entry) {
      if (entry.until > Date.now()) return entry;
      this.remembered.delete(key);
    }
    let asking = this.asking.get(key);
    if (!asking) {
      // Same header, same answer: a burst waits for one question.
      asking = this.ask(req, permission)
        .then(answer => {
          this.remember(key, answer);
          return answer;
        })
        .finally(() => this.asking.delete(key));
      this.asking.set(key, asking);
    }
    return asking;
  }

  private async ask(req: Request, permission: ResourcePermission) {
    const credentials = await this.authorizer.credentials(req);
    const decision = await this.authorizer.decide(credentials, permission);
    return { credentials, decision };
  }

  private remember(key: string, answer: Remembered) {
    if (this.remembered.size >= MAX_ENTRIES) {
      // Maps iterate in insertion order: the oldest entry goes first.
      const oldest = this.remembered.keys().next().value;
      if (oldest !== undefined) this.remembered.delete(oldest);
    }
    const expires = answer.credentials.expiresAt?.getTime() ?? Infinity;
    this.remembered.set(key, {
      ...answer,
      until: Math.min(Date.now() + this.ttlMs, expires),
    });
  }
}
