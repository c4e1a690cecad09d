import { LoggerService } from '@backstage/backend-plugin-api';
import { ClusterRegistry } from '../registry/ClusterRegistry';
import { AgentGateway } from './AgentGateway';
import { ReplicaClient } from './ReplicaClient';
import { ReplicaAddress, SessionDirectory } from './SessionDirectory';
import {
  TunnelRequest,
  TunnelRequestError,
  TunnelResponse,
} from './TunnelStream';

/**
 * What the routes use to reach a cluster: its session on this replica, or
 * the replica that holds it. Keeps the shared session directory current as
 * this replica's sessions open and close.
 */
export class ClusterTunnels {
  constructor(
    private readonly gateway: AgentGateway,
    private readonly directory: SessionDirectory,
    private readonly replicas: ReplicaClient,
    readonly self: ReplicaAddress,
    private readonly registry: ClusterRegistry,
    private readonly logger: LoggerService,
  ) {
    registry.onTokenInvalidated(name => {
      if (gateway.isConnected(name)) return; // the gateway closes its own
      this.closeElsewhere(name, 'the cluster token was rotated or revoked');
    });
  }

  async request(
    clusterName: string,
    req: TunnelRequest,
  ): Promise<TunnelResponse> {
    if (this.gateway.isConnected(clusterName)) {
      return this.gateway.request(clusterName, req);
    }
    const holder = await this.directory.holder(clusterName);
    if (holder && holder.replicaId !== this.self.replicaId) {
      return this.replicas.request(holder, clusterName, req);
    }
    throw new TunnelRequestError(
      `cluster '${clusterName}' is not connected`,
      503,
    );
  }

  /** A session opened here: record it, and end an older one on another replica. */
  async sessionOpened(clusterName: string): Promise<void> {
    const previous = await this.directory.claim(clusterName, this.self);
    if (previous) {
      await this.replicas
        .closeSession(
          previous,
          clusterName,
          'replaced by a newer session of this cluster',
          true,
        )
        .catch(error =>
          this.logger.warn(
            `could not close ${clusterName}'s older session on replica ${previous.replicaId}: ${error}`,
          ),
        );
    }
  }

  /** A session here ended; true when it was still the cluster's current one. */
  sessionClosed(clusterName: string): Promise<boolean> {
    return this.directory.release(clusterName, this.self.replicaId);
  }

  async shutdown(): Promise<void> {
    const released = await this.directory.releaseAll(this.self.replicaId);
    await Promise.all(
      released.map(name => this.registry.markDisconnected(name)),
    );
  }

  private closeElsewhere(clusterName: string, reason: string) {
    this.directory
      .holder(clusterName)
      .then(holder =>
        holder && holder.replicaId !== this.self.replicaId
          ? this.replicas.closeSession(holder, clusterName, reason, false)
          : undefined,
      )
      .catch(error =>
        this.logger.warn(
          `could not close ${clusterName}'s session on its replica: ${error}`,
        ),
      );
  }
}
