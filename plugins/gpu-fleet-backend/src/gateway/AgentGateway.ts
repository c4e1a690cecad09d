import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { LoggerService } from '@backstage/backend-plugin-api';
import { isDnsLabel } from '@gpu-fleet/plugin-gpu-fleet-common';
import { WebSocketServer } from 'ws';
import { ClusterRegistry } from '../registry/ClusterRegistry';
import { CloseCode, TunnelLimits, TunnelSession } from './TunnelSession';
import { detachFromHttpServer } from './detachFromHttpServer';
import {
  TunnelRequest,
  TunnelRequestError,
  TunnelResponse,
} from './TunnelStream';

export const CLUSTER_HEADER = 'x-gpu-fleet-cluster';

function refuse(socket: Duplex, status: number, message: string) {
  const body = JSON.stringify({
    error: { name: 'AuthenticationError', message },
  });
  socket.end(
    `HTTP/1.1 ${status} ${
      status === 401 ? 'Unauthorized' : 'Bad Request'
    }\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(
        body,
      )}\r\n` +
      `Connection: close\r\n\r\n${body}`,
  );
}

/** Told when this replica's sessions open and close (the replica directory listens). */
export interface SessionHooks {
  opened(clusterName: string): Promise<void>;
  /** Resolves true when the closed session was still the cluster's current one. */
  closed(clusterName: string): Promise<boolean>;
}

/** Where inventory reports go; a rejected report closes the session. */
export interface InventorySink {
  sessionStarted(clusterName: string): void;
  applyReport(clusterName: string, body: unknown): Promise<void>;
}

/** Where deployment status reports go; a rejected report closes the session. */
export interface StatusSink {
  applyReport(clusterName: string, body: unknown): Promise<void>;
}

/** Holds every agent's live session on this replica: at most one per cluster. */
export class AgentGateway {
  private hooks?: SessionHooks;
  /** Bookkeeping of sessions that just closed, awaited at shutdown. */
  private readonly closing = new Set<Promise<void>>();
  private inventory?: InventorySink;

  private readonly sessions = new Map<string, TunnelSession>();
  private readonly server: WebSocketServer;

  constructor(
    private readonly registry: ClusterRegistry,
    private readonly limits: TunnelLimits,
    private readonly logger: LoggerService,
    private readonly connectPath: string,
    private readonly options: { statusSink?: StatusSink } = {},
  ) {
    // ws enforces the frame limit itself and closes with 1009.
    this.server = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      maxPayload: limits.maxFrameBytes,
    });
    registry.onTokenInvalidated(name =>
      this.sessions
        .get(name)
        ?.goAway(
          CloseCode.TokenInvalidated,
          'the cluster token was rotated or revoked',
        ),
    );
  }

  setSessionHooks(hooks: SessionHooks) {
    this.hooks = hooks;
  }

  setInventorySink(sink: InventorySink) {
    this.inventory = sink;
  }

  /** Ends a cluster's session on this replica, if it has one. */
  closeSession(clusterName: string, code: number, reason: string): boolean {
    const session = this.sessions.get(clusterName);
    session?.goAway(code, reason);
    return session !== undefined;
  }

  isConnected(clusterName: string): boolean {
    return this.sessions.has(clusterName);
  }

  /** Sends a Kubernetes API request to a cluster through its agent's tunnel. */
  request(clusterName: string, req: TunnelRequest): Promise<TunnelResponse> {
    const session = this.sessions.get(clusterName);
    if (!session) {
      return Promise.reject(
        new TunnelRequestError(
          `cluster '${clusterName}' is not connected`,
          503,
        ),
      );
    }
    return session.request(req);
  }

  /** Takes upgrade requests for the agent endpoint; leaves others alone. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    // Inside a router Express rewrites url; originalUrl keeps the full path.
    const url = (req as { originalUrl?: string }).originalUrl ?? req.url;
    const path = (url ?? '').split('?')[0];
    if (path !== this.connectPath) return false;
    detachFromHttpServer(socket as Socket);
    // Nobody else listens for errors on a detached socket until ws does.
    socket.on('error', () => socket.destroy());
    this.authenticate(req)
      .then(clusterName => {
        if (!clusterName) {
          refuse(socket, 401, 'invalid cluster token');
          return;
        }
        this.server.handleUpgrade(req, socket, head, ws =>
          this.open(clusterName, ws),
        );
      })
      .catch(error => {
        this.logger.error(`agent upgrade failed: ${error}`);
        socket.destroy();
      });
    return true;
  }

  /** Ends every session and resolves once the registry says so. */
  async close(): Promise<void> {
    for (const session of this.sessions.values()) {
      session.goAway(CloseCode.Normal, 'control plane shutting down');
    }
    await Promise.all([...this.closing]);
  }

  // The token is checked before the upgrade, so a forged one never gets a socket.
  private async authenticate(
    req: IncomingMessage,
  ): Promise<string | undefined> {
    const clusterName = String(req.headers[CLUSTER_HEADER] ?? '');
    const match = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
    if (!match || !isDnsLabel(clusterName)) return undefined;
    return (await this.registry.verifyToken(clusterName, match[1]))
      ? clusterName
      : undefined;
  }

  private open(clusterName: string, ws: import('ws').WebSocket) {
    const previous = this.sessions.get(clusterName);
    const session = new TunnelSession(
      clusterName,
      ws,
      this.registry,
      this.limits,
      this.logger,
      closed => {
        if (this.sessions.get(clusterName) === closed) {
          this.sessions.delete(clusterName);
          // Another replica may hold a newer session; then it is not disconnected.
          const bookkeeping = (
            this.hooks ? this.hooks.closed(clusterName) : Promise.resolve(true)
          )
            .then(current =>
              current ? this.registry.markDisconnected(clusterName) : undefined,
            )
            .catch(error =>
              this.logger.error(
                `could not mark ${clusterName} disconnected: ${error}`,
              ),
            )
            .finally(() => this.closing.delete(bookkeeping));
          this.closing.add(bookkeeping);
        }
      },
    );
    const inventory = this.inventory;
    if (inventory) {
      inventory.sessionStarted(clusterName);
      session.inventorySink = body => inventory.applyReport(clusterName, body);
    }
    const status = this.options.statusSink;
    if (status) {
      session.statusSink = body => status.applyReport(clusterName, body);
    }
    // Registered first, so the old session's close does not mark it disconnected.
    this.sessions.set(clusterName, session);
    if (this.hooks) {
      session.holdWelcomeUntil(
        this.hooks
          .opened(clusterName)
          .catch(error =>
            this.logger.error(
              `could not record ${clusterName}'s session: ${error}`,
            ),
          ),
      );
    }
    previous?.goAway(
      CloseCode.Replaced,
      'replaced by a newer session of this cluster',
    );
  }
}
