import { Knex } from 'knex';
import { EventEmitter } from 'node:events';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  addonOverlapWarnings,
  AgentInstall,
  AttachClusterRequest,
  AttachClusterResponse,
  AuditEntry,
  checkAddonSelection,
  Cluster,
  ClusterStatus,
  defaultAddonsFor,
  PREREQUISITE_CHECK_IDS,
  PrerequisiteCheckDefinition,
  prerequisiteChecks,
  PrerequisiteReport,
  PrerequisiteStatus,
  ProviderId,
  renderAgentInstall,
  UpdateClusterRequest,
  AddonId,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { ClusterStore } from './ClusterStore';
import type { GpuFleetRegistryEvent } from '@gpu-fleet/plugin-gpu-fleet-node';
import {
  clusterTokenMatches,
  generateClusterToken,
  hashClusterToken,
} from './clusterTokens';

/** A stored change to a cluster, as announced to other plugins. */
export type ClusterChange = Extract<GpuFleetRegistryEvent, { kind: 'cluster' }>;

export interface AgentInstallSettings {
  controlPlaneUrl: string;
  chart: string;
  agentImage?: string;
}

export interface PrerequisiteView extends PrerequisiteCheckDefinition {
  status: PrerequisiteStatus;
  message: string;
  details?: Record<string, unknown>;
  checkedAt: string | null;
}

function rejectAddonIssues(
  provider: ProviderId,
  addons: AddonId[],
  overrides?: AddonId[],
) {
  const issues = checkAddonSelection(provider, addons, overrides);
  if (issues.length > 0) {
    throw new InputError(
      issues.map(issue => `${issue.field}: ${issue.message}`).join('; '),
    );
  }
}

/**
 * The control plane's record of attached clusters: every change is one
 * transaction with its audit entry, and tokens exist only as hashes.
 */
export class ClusterRegistry {
  private readonly events = new EventEmitter();

  constructor(
    private readonly store: ClusterStore,
    private readonly install: AgentInstallSettings,
    private readonly tokenLifetimeMs?: number,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Called when a cluster's token stops being valid (rotated, revoked, detached). */
  onTokenInvalidated(listener: (clusterName: string) => void): () => void {
    this.events.on('token-invalidated', listener);
    return () => this.events.off('token-invalidated', listener);
  }

  /** Called once a change is stored: attached, updated, detached, or a new status. */
  onChanged(listener: (change: ClusterChange) => void): () => void {
    this.events.on('changed', listener);
    return () => this.events.off('changed', listener);
  }

  private changed(name: string, action: ClusterChange['action']) {
    const change: ClusterChange = { kind: 'cluster', name, action };
    this.events.emit('changed', change);
  }

  async attach(
    request: AttachClusterRequest,
    actor: string,
  ): Promise<AttachClusterResponse> {
    const addons = request.addons ?? defaultAddonsFor(request.provider);
    rejectAddonIssues(request.provider, addons, request.overrideManagedAddons);
    const token = generateClusterToken();
    const at = this.now();

    const cluster = await this.store.transaction(async trx => {
      const existing = await this.store.getCluster(request.name, trx);
      if (existing && !existing.detachedAt) {
        throw new ConflictError(
          `name: a cluster named '${request.name}' is already attached`,
        );
      }
      if (existing) await this.store.deleteDetachedCluster(trx, request.name);
      await this.store.insertCluster(
        trx,
        {
          name: request.name,
          displayName: request.displayName ?? request.name,
          provider: request.provider,
          region: request.region ?? null,
          description: request.description ?? null,
          labels: request.labels ?? {},
          addons,
          status: 'pending',
          agentVersion: null,
          kubernetesVersion: null,
          lastSeenAt: null,
          createdBy: actor,
          detachedAt: null,
        },
        at,
      );
      await this.store.insertToken(
        trx,
        {
          clusterName: request.name,
          tokenHash: hashClusterToken(token),
          createdBy: actor,
          expiresAt: this.expiry(at),
        },
        at,
      );
      await this.store.appendAudit(
        trx,
        {
          cluster: request.name,
          actor,
          action: existing ? 'cluster.reattached' : 'cluster.attached',
          details: {
            provider: request.provider,
            addons,
            region: request.region ?? null,
          },
        },
        at,
      );
      return (await this.store.getCluster(request.name, trx))!;
    });
    this.changed(cluster.name, 'attached');

    return {
      cluster,
      token,
      install: this.renderInstall(cluster, token),
      warnings: addonOverlapWarnings(cluster.provider, addons),
    };
  }

  list(options: {
    provider?: ProviderId;
    status?: ClusterStatus;
    limit: number;
    offset: number;
    where?: (query: Knex.QueryBuilder, nameColumn: string) => void;
  }) {
    return this.store.listClusters(options);
  }

  async get(name: string): Promise<Cluster> {
    const cluster = await this.store.getCluster(name);
    if (!cluster) throw new NotFoundError(`no cluster named '${name}'`);
    return cluster;
  }

  async update(
    name: string,
    request: UpdateClusterRequest,
    actor: string,
  ): Promise<{ cluster: Cluster; warnings: string[] }> {
    const at = this.now();
    const cluster = await this.store.transaction(async trx => {
      const current = await this.attachedOrThrow(name, trx);
      if (request.addons) {
        rejectAddonIssues(
          current.provider,
          request.addons,
          request.overrideManagedAddons,
        );
      }
      await this.store.updateCluster(trx, name, request, at);
      const changed = Object.keys(request).filter(
        k => k !== 'overrideManagedAddons',
      );
      await this.store.appendAudit(
        trx,
        {
          cluster: name,
          actor,
          action: 'cluster.updated',
          details: Object.fromEntries(
            changed.map(key => [
              key,
              { from: (current as any)[key], to: (request as any)[key] },
            ]),
          ),
        },
        at,
      );
      return (await this.store.getCluster(name, trx))!;
    });
    this.changed(name, 'updated');
    return {
      cluster,
      warnings: addonOverlapWarnings(cluster.provider, cluster.addons),
    };
  }

  /** Revokes the cluster's token and marks it detached; its history stays. */
  async detach(name: string, actor: string): Promise<Cluster> {
    const at = this.now();
    const cluster = await this.store.transaction(async trx => {
      await this.attachedOrThrow(name, trx);
      await this.store.endTokens(trx, name, {
        revokedAt: at,
        revokedBy: actor,
      });
      await this.store.updateCluster(
        trx,
        name,
        { status: 'revoked', detachedAt: at },
        at,
      );
      await this.store.appendAudit(
        trx,
        { cluster: name, actor, action: 'cluster.detached', details: {} },
        at,
      );
      return (await this.store.getCluster(name, trx))!;
    });
    this.events.emit('token-invalidated', name);
    this.changed(name, 'detached');
    return cluster;
  }

  /** A new token replaces the old one at once; the old one stops working. */
  async rotateToken(
    name: string,
    actor: string,
  ): Promise<{ cluster: Cluster; token: string; install: AgentInstall }> {
    const token = generateClusterToken();
    const at = this.now();
    let wasRevoked = false;
    const cluster = await this.store.transaction(async trx => {
      const current = await this.attachedOrThrow(name, trx);
      wasRevoked = current.status === 'revoked';
      await this.store.endTokens(trx, name, { rotatedAt: at });
      await this.store.insertToken(
        trx,
        {
          clusterName: name,
          tokenHash: hashClusterToken(token),
          createdBy: actor,
          expiresAt: this.expiry(at),
        },
        at,
      );
      if (current.status === 'revoked') {
        await this.store.updateCluster(trx, name, { status: 'pending' }, at);
      }
      await this.store.appendAudit(
        trx,
        { cluster: name, actor, action: 'token.rotated', details: {} },
        at,
      );
      return (await this.store.getCluster(name, trx))!;
    });
    this.events.emit('token-invalidated', name);
    if (wasRevoked) this.changed(name, 'status');
    return { cluster, token, install: this.renderInstall(cluster, token) };
  }

  /** Leaves the cluster without a valid token until one is rotated in. */
  async revokeToken(name: string, actor: string): Promise<Cluster> {
    const at = this.now();
    const cluster = await this.store.transaction(async trx => {
      await this.attachedOrThrow(name, trx);
      const ended = await this.store.endTokens(trx, name, {
        revokedAt: at,
        revokedBy: actor,
      });
      if (ended === 0) {
        throw new ConflictError(
          `cluster '${name}' has no live token to revoke`,
        );
      }
      await this.store.updateCluster(trx, name, { status: 'revoked' }, at);
      await this.store.appendAudit(
        trx,
        { cluster: name, actor, action: 'token.revoked', details: {} },
        at,
      );
      return (await this.store.getCluster(name, trx))!;
    });
    this.events.emit('token-invalidated', name);
    this.changed(name, 'status');
    return cluster;
  }

  /** True only for the cluster's live, unexpired token. */
  async verifyToken(name: string, token: string): Promise<boolean> {
    const live = await this.store.liveToken(name);
    if (!live) return false;
    if (live.expiresAt && new Date(live.expiresAt) <= this.now()) return false;
    return clusterTokenMatches(token, live.tokenHash);
  }

  /** The agent said hello: record what it runs and that it is here. */
  async markConnected(
    name: string,
    agent: { agentVersion: string; kubernetesVersion?: string },
  ): Promise<void> {
    const at = this.now();
    await this.store.updateCluster(
      this.store.db,
      name,
      {
        status: 'connected',
        agentVersion: agent.agentVersion,
        kubernetesVersion: agent.kubernetesVersion ?? null,
        lastSeenAt: at,
      },
      at,
    );
    this.changed(name, 'status');
  }

  async markSeen(name: string): Promise<void> {
    const at = this.now();
    await this.store.updateCluster(this.store.db, name, { lastSeenAt: at }, at);
  }

  /** A revoked cluster stays revoked when its agent goes away. */
  async markDisconnected(name: string): Promise<void> {
    const cluster = await this.store.getCluster(name);
    if (!cluster || cluster.status !== 'connected') return;
    const at = this.now();
    await this.store.updateCluster(
      this.store.db,
      name,
      { status: 'disconnected' },
      at,
    );
    this.changed(name, 'status');
  }

  /** Stores what the agent measured: the latest result per check. */
  async reportPrerequisites(
    name: string,
    report: PrerequisiteReport,
  ): Promise<void> {
    const at = this.now();
    await this.store.transaction(async trx => {
      await this.attachedOrThrow(name, trx);
      await this.store.replacePrerequisites(trx, name, report.checks, at);
    });
  }

  /** Every check, with its advice; ones never reported are 'unknown'. */
  async prerequisites(name: string): Promise<PrerequisiteView[]> {
    await this.get(name);
    const reported = new Map(
      (await this.store.prerequisites(name)).map(result => [result.id, result]),
    );
    return PREREQUISITE_CHECK_IDS.map(id => {
      const result = reported.get(id);
      return {
        ...prerequisiteChecks[id],
        status: result?.status ?? 'unknown',
        message: result?.message ?? 'not reported by the agent yet',
        ...(result?.details ? { details: result.details } : {}),
        checkedAt: result?.checkedAt ?? null,
      };
    });
  }

  async audit(
    name: string,
    options: { limit: number; beforeId?: number },
  ): Promise<AuditEntry[]> {
    await this.get(name);
    return this.store.audit(name, options);
  }

  private renderInstall(cluster: Cluster, token: string): AgentInstall {
    return renderAgentInstall({
      clusterName: cluster.name,
      controlPlaneUrl: this.install.controlPlaneUrl,
      token,
      provider: cluster.provider,
      addons: cluster.addons,
      chart: this.install.chart,
      agentImage: this.install.agentImage,
    });
  }

  private expiry(at: Date): Date | null {
    return this.tokenLifetimeMs
      ? new Date(at.getTime() + this.tokenLifetimeMs)
      : null;
  }

  private async attachedOrThrow(
    name: string,
    trx: Parameters<ClusterStore['getCluster']>[1],
  ) {
    const cluster = await this.store.getCluster(name, trx);
    if (!cluster || cluster.detachedAt) {
      throw new NotFoundError(`no attached cluster named '${name}'`);
    }
    return cluster;
  }
}
