import { LoggerService } from '@backstage/backend-plugin-api';
import {
  decodeFrame,
  encodeFrame,
  Frame,
  prerequisiteReportSchema,
  describeZodIssues,
  TUNNEL_PROTOCOL_VERSION,
  TunnelProtocolError,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import WebSocket from 'ws';
import { ClusterRegistry } from '../registry/ClusterRegistry';

export interface TunnelLimits {
  maxFrameBytes: number;
  initialWindowBytes: number;
  heartbeatIntervalMs: number;
  helloTimeoutMs: number;
}

/** WebSocket close codes the protocol document names. */
export const CloseCode = {
  Normal: 1000,
  PolicyViolation: 1008,
  TooBig: 1009,
  Replaced: 4000,
  TokenInvalidated: 4001,
} as const;

// WebSocket close reasons are limited to 123 bytes.
function closeReason(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  return bytes.length <= 123
    ? text
    : `${bytes.subarray(0, 120).toString('utf8')}...`;
}

/** One agent's connection: handshake, heartbeats, reports. */
export class TunnelSession {
  private helloReceived = false;
  private closed = false;
  private missedPongs = 0;
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(
    readonly clusterName: string,
    private readonly socket: WebSocket,
    private readonly registry: ClusterRegistry,
    private readonly limits: TunnelLimits,
    private readonly logger: LoggerService,
    private readonly onClosed: (session: TunnelSession) => void,
  ) {
    socket.on('message', (data, isBinary) =>
      this.receive(data as Buffer, isBinary),
    );
    socket.on('pong', () => {
      this.missedPongs = 0;
    });
    socket.on('close', () => this.finish());
    socket.on('error', error => {
      // ws reports an oversized message as an error and closes with 1009.
      this.logger.warn(`tunnel ${clusterName}: ${error.message}`);
    });
    this.timers.push(
      setTimeout(() => {
        if (!this.helloReceived) {
          this.close(
            CloseCode.PolicyViolation,
            'no Hello within the handshake timeout',
          );
        }
      }, limits.helloTimeoutMs),
      setInterval(() => this.heartbeat(), limits.heartbeatIntervalMs),
    );
  }

  /** Tells the agent why, then closes. */
  goAway(code: number, reason: string) {
    if (this.closed) return;
    this.send({ type: 'GoAway', streamId: 0, payload: { reason } });
    this.close(code, reason);
  }

  close(code: number, reason: string) {
    if (this.closed) return;
    this.closed = true;
    this.socket.close(code, closeReason(reason));
    // A peer that never answers the close handshake is cut off.
    this.timers.push(setTimeout(() => this.socket.terminate(), 2000));
    this.finish();
  }

  private finish() {
    this.closed = true;
    for (const timer of this.timers.splice(0)) {
      clearTimeout(timer);
      clearInterval(timer);
    }
    this.onClosed(this);
  }

  private heartbeat() {
    if (this.missedPongs >= 3) {
      this.socket.terminate();
      return;
    }
    this.missedPongs += 1;
    this.socket.ping();
  }

  private send(frame: Frame) {
    if (this.socket.readyState === WebSocket.OPEN) {
      this.socket.send(encodeFrame(frame));
    }
  }

  private receive(data: Buffer, isBinary: boolean) {
    if (this.closed) return;
    try {
      if (!isBinary)
        throw new TunnelProtocolError('frame: text messages are not frames');
      const frame = decodeFrame(data, {
        maxFrameBytes: this.limits.maxFrameBytes,
      });
      this.handle(frame).catch(error => {
        this.logger.error(`tunnel ${this.clusterName}: ${error}`);
      });
    } catch (error) {
      if (error instanceof TunnelProtocolError) {
        this.logger.warn(`tunnel ${this.clusterName} closed: ${error.message}`);
        this.close(CloseCode.PolicyViolation, error.message);
        return;
      }
      throw error;
    }
  }

  private async handle(frame: Frame) {
    if (!this.helloReceived && frame.type !== 'Hello') {
      throw new TunnelProtocolError(
        `frame.type: expected Hello first, got ${frame.type}`,
      );
    }
    switch (frame.type) {
      case 'Hello': {
        const hello = frame.payload;
        if (hello.protocolVersion !== TUNNEL_PROTOCOL_VERSION) {
          this.goAway(
            CloseCode.PolicyViolation,
            `unsupported protocol version ${hello.protocolVersion}; this control plane speaks ${TUNNEL_PROTOCOL_VERSION}`,
          );
          return;
        }
        if (hello.clusterName !== this.clusterName) {
          this.goAway(
            CloseCode.PolicyViolation,
            `frame.payload.clusterName: '${hello.clusterName}' is not the cluster this token belongs to`,
          );
          return;
        }
        this.helloReceived = true;
        this.send({
          type: 'Welcome',
          streamId: 0,
          payload: {
            protocolVersion: TUNNEL_PROTOCOL_VERSION,
            maxFrameBytes: this.limits.maxFrameBytes,
            initialWindowBytes: this.limits.initialWindowBytes,
            heartbeatIntervalMs: this.limits.heartbeatIntervalMs,
          },
        });
        await this.registry.markConnected(this.clusterName, hello);
        return;
      }
      case 'Report': {
        if (frame.payload.kind === 'prerequisites') {
          const parsed = prerequisiteReportSchema.safeParse(frame.payload.body);
          if (!parsed.success) {
            this.close(
              CloseCode.PolicyViolation,
              `frame.payload.body.${describeZodIssues(parsed.error)[0]}`,
            );
            return;
          }
          await this.registry.reportPrerequisites(
            this.clusterName,
            parsed.data,
          );
        }
        await this.registry.markSeen(this.clusterName);
        return;
      }
      case 'GoAway':
        this.close(CloseCode.Normal, 'agent said goodbye');
        return;
      default:
        // Stream frames arrive once the gateway sends requests (issue 5, next part).
        throw new TunnelProtocolError(
          `frame.streamId: no open stream ${frame.streamId} for ${frame.type}`,
        );
    }
  }
}
