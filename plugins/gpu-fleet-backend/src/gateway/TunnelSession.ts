import { LoggerService } from '@backstage/backend-plugin-api';
import {
  decodeFrame,
  encodeFrame,
  Frame,
  FRAME_HEADER_BYTES,
  prerequisiteReportSchema,
  describeZodIssues,
  TUNNEL_PROTOCOL_VERSION,
  TunnelProtocolError,
  tunnelRequestProblem,
  TunnelStreamError,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import WebSocket from 'ws';
import { ClusterRegistry } from '../registry/ClusterRegistry';
import { RequestBodySender } from './RequestBodySender';
import {
  TunnelRequest,
  TunnelRequestError,
  TunnelResponse,
  TunnelStream,
} from './TunnelStream';

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
  private readonly streams = new Map<number, TunnelStream>();
  private readonly senders = new Map<number, RequestBodySender>();
  // The control plane opens streams, on odd ids.
  private nextStreamId = 1;
  private welcomeAfter: Promise<unknown> = Promise.resolve();
  /** Takes the agent's inventory reports; a rejection ends the session. */
  inventorySink?: (body: unknown) => Promise<void>;
  /** Takes the agent's deployment status reports; a rejection ends the session. */
  statusSink?: (body: unknown) => Promise<void>;

  constructor(
    readonly clusterName: string,
    private readonly socket: WebSocket,
    private readonly registry: ClusterRegistry,
    private readonly limits: TunnelLimits,
    private readonly logger: LoggerService,
    private readonly onClosed: (session: TunnelSession) => void,
  ) {
    // ws closes on an oversized message with 1009 and no reason; the
    // protocol promises a reason that names the limit.
    const closeSocket = socket.close.bind(socket);
    socket.close = (code?: number, reason?: string | Buffer) =>
      closeSocket(
        code,
        code === CloseCode.TooBig && !reason?.length
          ? `frame: over the ${limits.maxFrameBytes}-byte limit`
          : reason,
      );
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

  /** Welcome waits for this, e.g. until other replicas can find the session. */
  holdWelcomeUntil(ready: Promise<unknown>) {
    this.welcomeAfter = ready;
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

  /** Sends a Kubernetes API request to the agent; the body streams back. */
  request(req: TunnelRequest): Promise<TunnelResponse> {
    if (this.closed || !this.helloReceived) {
      return Promise.reject(
        new TunnelRequestError(
          `cluster '${this.clusterName}' is not connected`,
          503,
        ),
      );
    }
    // Refused here, the request costs only itself; sent, it would be a
    // malformed frame to the agent.
    const problem = tunnelRequestProblem(req);
    if (problem) {
      return Promise.reject(
        new TunnelRequestError(problem.message, problem.status),
      );
    }
    const body = req.body;
    const hasBody =
      body !== undefined && !(Buffer.isBuffer(body) && body.length === 0);
    const id = this.nextStreamId;
    this.nextStreamId += 2;
    let timer: NodeJS.Timeout | undefined;
    const forget = () => {
      clearTimeout(timer);
      this.drop(id);
    };
    const stream = new TunnelStream(
      id,
      this.limits.initialWindowBytes,
      bytes => this.send({ type: 'Window', streamId: id, payload: { bytes } }),
      reason => {
        if (this.streams.has(id)) {
          forget();
          this.send({ type: 'Cancel', streamId: id, payload: { reason } });
        }
      },
    );
    this.streams.set(id, stream);
    this.send({
      type: 'Request',
      streamId: id,
      payload: {
        method: req.method,
        path: req.path,
        headers: req.headers ?? {},
        hasBody,
        stream: Boolean(req.stream),
        ...(req.timeoutMs ? { timeoutMs: req.timeoutMs } : {}),
      },
    });

    const abort = (reason: string, status: number) => {
      if (!this.streams.has(id)) return;
      forget();
      this.send({ type: 'Cancel', streamId: id, payload: { reason } });
      stream.fail(new TunnelRequestError(reason, status));
    };
    if (hasBody) {
      // The body goes out as the agent grants credit, while the response may already be arriving.
      const sender = new RequestBodySender(
        this.limits.initialWindowBytes,
        this.limits.maxFrameBytes - FRAME_HEADER_BYTES,
        chunk => this.send({ type: 'Data', streamId: id, payload: chunk }),
      );
      this.senders.set(id, sender);
      sender.send(body).then(
        () => {
          if (this.senders.delete(id)) this.send({ type: 'End', streamId: id });
        },
        error =>
          abort(
            error instanceof TunnelRequestError
              ? error.message
              : `request body: ${(error as Error).message}`,
            error instanceof TunnelRequestError ? error.status : 400,
          ),
      );
    }
    if (req.timeoutMs && !req.stream) {
      timer = setTimeout(
        () => abort(`no complete answer within ${req.timeoutMs} ms`, 504),
        req.timeoutMs,
      );
    }
    req.signal?.addEventListener(
      'abort',
      () => abort('the caller went away', 499),
      {
        once: true,
      },
    );
    return stream.response;
  }

  /** Forgets a stream that is over, and stops sending its request body. */
  private drop(id: number) {
    this.streams.delete(id);
    this.senders.get(id)?.stop();
    this.senders.delete(id);
  }

  private finish() {
    for (const stream of this.streams.values()) {
      stream.fail(new TunnelRequestError('the tunnel closed', 503));
    }
    for (const sender of this.senders.values()) sender.stop();
    this.streams.clear();
    this.senders.clear();
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
    let frame: Frame;
    try {
      if (!isBinary)
        throw new TunnelProtocolError('frame: text messages are not frames');
      frame = decodeFrame(data, { maxFrameBytes: this.limits.maxFrameBytes });
    } catch (error) {
      if (error instanceof TunnelStreamError) {
        this.resetStream(error.streamId, error.message);
      } else {
        this.fail(error);
      }
      return;
    }
    this.handle(frame).catch(error => this.fail(error));
  }

  /** One stream went wrong on the agent's side: it alone fails, with why. */
  private resetStream(id: number, problem: string) {
    this.logger.warn(`tunnel ${this.clusterName} stream ${id}: ${problem}`);
    const stream = this.streams.get(id);
    if (!stream) return;
    this.drop(id);
    this.send({ type: 'Cancel', streamId: id, payload: { reason: problem } });
    stream.fail(
      new TunnelRequestError(
        `the cluster's agent broke stream ${id}: ${problem}`,
        502,
      ),
    );
  }

  // A protocol violation ends the session; anything else is our own fault.
  private fail(error: unknown) {
    if (error instanceof TunnelProtocolError) {
      this.logger.warn(`tunnel ${this.clusterName} closed: ${error.message}`);
      this.close(CloseCode.PolicyViolation, error.message);
    } else {
      this.logger.error(`tunnel ${this.clusterName}: ${error}`);
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
        await this.welcomeAfter;
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
        } else {
          const sink =
            frame.payload.kind === 'inventory'
              ? this.inventorySink
              : this.statusSink;
          try {
            await sink?.(frame.payload.body);
          } catch (error) {
            // The agent starts a new session with a fresh snapshot.
            this.close(
              CloseCode.PolicyViolation,
              `frame.payload.body.${(error as Error).message}`,
            );
            return;
          }
        }
        await this.registry.markSeen(this.clusterName);
        return;
      }
      case 'GoAway':
        this.close(CloseCode.Normal, 'agent said goodbye');
        return;
      case 'Window':
        // The agent's credit for the request body it is reading.
        this.senders.get(frame.streamId)?.grant(frame.payload.bytes);
        return;
      default:
        this.handleStreamFrame(frame);
    }
  }

  private handleStreamFrame(frame: Frame) {
    if (frame.type === 'Request') {
      throw new TunnelProtocolError('frame.type: agents do not send Request');
    }
    const stream = this.streams.get(frame.streamId);
    // Frames may still arrive for a stream this side has just cancelled.
    if (!stream) return;
    switch (frame.type) {
      case 'Response':
        stream.onResponse(frame.payload.status, frame.payload.headers);
        return;
      case 'Data': {
        const problem = stream.onData(frame.payload);
        if (problem) this.resetStream(frame.streamId, problem);
        return;
      }
      case 'End':
        this.drop(frame.streamId);
        stream.onEnd();
        return;
      case 'Error':
        this.drop(frame.streamId);
        stream.fail(
          new TunnelRequestError(
            frame.payload.message,
            frame.payload.status ?? 502,
          ),
        );
        return;
      case 'Cancel':
        this.drop(frame.streamId);
        stream.fail(
          new TunnelRequestError(
            `the agent cancelled: ${frame.payload.reason}`,
            502,
          ),
        );
        return;
      default:
        return;
    }
  }
}
