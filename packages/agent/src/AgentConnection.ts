import { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import {
  DEFAULT_MAX_FRAME_BYTES,
  decodeFrame,
  describeZodIssues,
  encodeFrame,
  Frame,
  PrerequisiteReport,
  prerequisiteReportSchema,
  TUNNEL_PROTOCOL_VERSION,
  TunnelProtocolError,
  TunnelStreamError,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import WebSocket from 'ws';
import { AgentConfig } from './agentConfig';
import { ForwardError, KubeApiForwarder } from './KubeApiForwarder';

const RETURNED_HEADERS = [
  'content-type',
  'content-encoding',
  'cache-control',
  'warning',
  'audit-id',
];

interface Stream {
  abort: AbortController;
  /** Response bytes the control plane will still take. */
  credit: number;
  resume?: () => void;
  /** The request body on its way to the API server. */
  upload?: PassThrough;
  /** Request body bytes received and not yet granted back. */
  uploadOutstanding: number;
}

export interface AgentLogger {
  info(message: string): void;
  warn(message: string): void;
}

/**
 * The agent's one outbound connection: says hello, carries the control
 * plane's requests to the API server, and dials again forever when it drops.
 */
export class AgentConnection {
  private socket?: WebSocket;
  private stopped = false;
  private attempt = 0;
  private maxFrameBytes = DEFAULT_MAX_FRAME_BYTES;
  private windowBytes = 256 * 1024;
  private readonly streams = new Map<number, Stream>();
  private retryTimer?: NodeJS.Timeout;
  private reportTimer?: NodeJS.Timeout;
  /** The session a prerequisite run is under way for. */
  private checkingFor?: WebSocket;
  /** The socket whose session has been welcomed; reports go only there. */
  private welcomed?: WebSocket;

  constructor(
    private readonly config: AgentConfig,
    private readonly kube: KubeApiForwarder,
    private readonly options: {
      agentVersion: string;
      logger: AgentLogger;
      initialBackoffMs?: number;
      maxBackoffMs?: number;
      onWelcome?: () => void;
      /** Checks run after each Welcome and every intervalMs while connected. */
      prerequisites?: {
        run(): Promise<PrerequisiteReport>;
        intervalMs: number;
      };
    },
  ) {}

  start() {
    this.stopped = false;
    this.dial();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.reportTimer);
    this.socket?.close(1000, 'agent stopping');
  }

  /** Exponential backoff with jitter, so a fleet does not reconnect in lockstep. */
  nextDelayMs(): number {
    const initial = this.options.initialBackoffMs ?? 1000;
    const max = this.options.maxBackoffMs ?? 60_000;
    const ceiling = Math.min(max, initial * 2 ** this.attempt);
    this.attempt += 1;
    return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
  }

  private dial() {
    const socket = new WebSocket(this.config.controlPlaneUrl, {
      // A handshake nobody answers (a proxy, a stuck server) is dialled again.
      handshakeTimeout: 30_000,
      headers: {
        authorization: `Bearer ${this.config.token}`,
        'x-gpu-fleet-cluster': this.config.clusterName,
      },
    });
    this.socket = socket;
    socket.on('open', () => this.hello(socket));
    socket.on('message', data => this.receive(socket, data as Buffer));
    socket.on('unexpected-response', (_req, res) => {
      this.options.logger.warn(
        `control plane refused the connection: HTTP ${res.statusCode}${
          res.statusCode === 401 ? ' (is the cluster token current?)' : ''
        }`,
      );
      socket.terminate();
    });
    socket.on('error', error =>
      this.options.logger.warn(`connection error: ${error.message}`),
    );
    socket.on('close', (code, reason) => {
      clearInterval(this.reportTimer);
      if (this.welcomed === socket) this.welcomed = undefined;
      for (const stream of this.streams.values()) {
        stream.abort.abort();
        stream.upload?.destroy();
      }
      this.streams.clear();
      if (this.stopped) return;
      const delay = this.nextDelayMs();
      this.options.logger.info(
        `disconnected (${code}${
          reason.length ? `: ${reason}` : ''
        }); dialling again in ${delay} ms`,
      );
      this.retryTimer = setTimeout(() => this.dial(), delay);
    });
  }

  private async hello(socket: WebSocket) {
    const kubernetesVersion = await this.kube
      .kubernetesVersion()
      .catch(() => undefined);
    this.send(socket, {
      type: 'Hello',
      streamId: 0,
      payload: {
        protocolVersion: TUNNEL_PROTOCOL_VERSION,
        agentVersion: this.options.agentVersion,
        clusterName: this.config.clusterName,
        ...(kubernetesVersion ? { kubernetesVersion } : {}),
      },
    });
  }

  private send(socket: WebSocket, frame: Frame) {
    if (socket.readyState === WebSocket.OPEN) socket.send(encodeFrame(frame));
  }

  private receive(socket: WebSocket, data: Buffer) {
    let frame: Frame;
    try {
      frame = decodeFrame(data, { maxFrameBytes: this.maxFrameBytes });
    } catch (error) {
      if (error instanceof TunnelStreamError) {
        this.failStream(socket, error.streamId, error.message, 400);
      } else if (error instanceof TunnelProtocolError) {
        socket.close(1008, error.message.slice(0, 120));
      }
      return;
    }
    switch (frame.type) {
      case 'Welcome':
        this.attempt = 0;
        this.maxFrameBytes = frame.payload.maxFrameBytes;
        this.windowBytes = frame.payload.initialWindowBytes;
        this.options.logger.info(`connected as ${this.config.clusterName}`);
        this.welcomed = socket;
        this.options.onWelcome?.();
        this.startReporting(socket);
        return;
      case 'GoAway':
        this.options.logger.warn(
          `control plane closing the session: ${frame.payload.reason}`,
        );
        return;
      case 'Request': {
        const stream: Stream = {
          abort: new AbortController(),
          credit: this.windowBytes,
          uploadOutstanding: 0,
        };
        // The body streams to the API server while it arrives.
        if (frame.payload.hasBody) stream.upload = new PassThrough();
        this.streams.set(frame.streamId, stream);
        this.forward(socket, frame.streamId, stream, frame.payload);
        return;
      }
      case 'Data':
        this.receiveUpload(socket, frame.streamId, frame.payload);
        return;
      case 'End':
        this.streams.get(frame.streamId)?.upload?.end();
        return;
      case 'Window': {
        const stream = this.streams.get(frame.streamId);
        if (stream) {
          stream.credit += frame.payload.bytes;
          stream.resume?.();
        }
        return;
      }
      case 'Cancel': {
        const stream = this.streams.get(frame.streamId);
        stream?.abort.abort();
        stream?.upload?.destroy();
        this.streams.delete(frame.streamId);
        return;
      }
      default:
        return;
    }
  }

  /** One stream went wrong: it alone ends, with an Error saying why. */
  private failStream(
    socket: WebSocket,
    id: number,
    message: string,
    status: number,
  ) {
    const stream = this.streams.get(id);
    stream?.abort.abort();
    stream?.upload?.destroy();
    this.streams.delete(id);
    this.options.logger.warn(`stream ${id} refused: ${message}`);
    this.send(socket, {
      type: 'Error',
      streamId: id,
      payload: { message: message.slice(0, 4000), status },
    });
  }

  // Credit goes back once a chunk has moved on towards the API server, so
  // the control plane never has more than one window in flight here.
  private receiveUpload(socket: WebSocket, id: number, chunk: Uint8Array) {
    const stream = this.streams.get(id);
    if (!stream?.upload) return;
    stream.uploadOutstanding += chunk.length;
    if (stream.uploadOutstanding > this.windowBytes) {
      this.failStream(
        socket,
        id,
        `frame.payload: Data on stream ${id} beyond the ${this.windowBytes}-byte window it was given`,
        400,
      );
      return;
    }
    stream.upload.write(Buffer.from(chunk), error => {
      stream.uploadOutstanding -= chunk.length;
      if (!error && this.streams.get(id) === stream) {
        this.send(socket, {
          type: 'Window',
          streamId: id,
          payload: { bytes: chunk.length },
        });
      }
    });
  }

  /**
   * Sends a report on the welcomed session. Without one it is dropped: every
   * new session starts from a fresh snapshot anyway.
   */
  sendReport(kind: 'inventory' | 'status', body: unknown): boolean {
    const socket = this.welcomed;
    if (!socket || socket.readyState !== WebSocket.OPEN) return false;
    const frame = encodeFrame({
      type: 'Report',
      streamId: 0,
      payload: { kind, body },
    });
    if (frame.length > this.maxFrameBytes) {
      this.options.logger.warn(
        `${kind} report of ${frame.length} bytes exceeds the control plane's ${this.maxFrameBytes}-byte frame limit; not sent`,
      );
      return false;
    }
    socket.send(frame);
    return true;
  }

  private startReporting(socket: WebSocket) {
    const prerequisites = this.options.prerequisites;
    if (!prerequisites) return;
    const report = () => {
      if (this.checkingFor === socket) return; // a slow run is still going
      this.checkingFor = socket;
      prerequisites
        .run()
        .then(body => {
          const parsed = prerequisiteReportSchema.safeParse(body);
          if (!parsed.success) {
            this.options.logger.warn(
              `prerequisite report not sent: ${
                describeZodIssues(parsed.error)[0]
              }`,
            );
            return;
          }
          this.send(socket, {
            type: 'Report',
            streamId: 0,
            payload: { kind: 'prerequisites', body: parsed.data },
          });
        })
        .catch(error =>
          this.options.logger.warn(
            `prerequisite checks failed: ${(error as Error).message}`,
          ),
        )
        .finally(() => {
          if (this.checkingFor === socket) this.checkingFor = undefined;
        });
    };
    clearInterval(this.reportTimer);
    report();
    this.reportTimer = setInterval(report, prerequisites.intervalMs);
  }

  private async forward(
    socket: WebSocket,
    id: number,
    stream: Stream,
    request: Extract<Frame, { type: 'Request' }>['payload'],
  ) {
    let response: IncomingMessage;
    try {
      response = await this.kube.forward({
        method: request.method,
        path: request.path,
        headers: request.headers,
        body: stream.upload,
        signal: stream.abort.signal,
      });
    } catch (error) {
      if (this.streams.has(id)) {
        if (error instanceof ForwardError) {
          this.failStream(socket, id, error.message, error.status);
        } else {
          this.failStream(
            socket,
            id,
            `API server unreachable: ${(error as Error).message}`,
            502,
          );
        }
      }
      return;
    }
    const headers: Record<string, string> = {};
    for (const key of RETURNED_HEADERS) {
      const value = response.headers[key];
      if (typeof value === 'string') headers[key] = value;
    }
    this.send(socket, {
      type: 'Response',
      streamId: id,
      payload: { status: response.statusCode ?? 502, headers },
    });
    const chunkBytes = this.maxFrameBytes - 5;
    try {
      for await (const chunk of response) {
        for (let offset = 0; offset < chunk.length; offset += chunkBytes) {
          const piece: Buffer = chunk.subarray(offset, offset + chunkBytes);
          // Wait for credit: a slow reader on the other side stalls only this stream.
          while (stream.credit < piece.length) {
            if (stream.abort.signal.aborted) return;
            await new Promise<void>(resolve => {
              const signal = stream.abort.signal;
              // Removed once resumed, so long responses do not pile up listeners.
              const done = () => {
                signal.removeEventListener('abort', done);
                resolve();
              };
              stream.resume = done;
              signal.addEventListener('abort', done, { once: true });
            });
          }
          stream.credit -= piece.length;
          this.send(socket, { type: 'Data', streamId: id, payload: piece });
        }
      }
    } catch {
      return; // cancelled: the control plane already forgot this stream
    }
    if (this.streams.delete(id))
      this.send(socket, { type: 'End', streamId: id });
  }
}
