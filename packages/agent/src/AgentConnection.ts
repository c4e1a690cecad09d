import { IncomingMessage } from 'node:http';
import {
  DEFAULT_MAX_FRAME_BYTES,
  decodeFrame,
  encodeFrame,
  Frame,
  TUNNEL_PROTOCOL_VERSION,
  TunnelProtocolError,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import WebSocket from 'ws';
import { AgentConfig } from './agentConfig';
import { KubeApiForwarder } from './KubeApiForwarder';

const RETURNED_HEADERS = [
  'content-type',
  'content-encoding',
  'cache-control',
  'warning',
  'audit-id',
];

interface Stream {
  abort: AbortController;
  credit: number;
  resume?: () => void;
  body: Buffer[];
  request?: Extract<Frame, { type: 'Request' }>['payload'];
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

  constructor(
    private readonly config: AgentConfig,
    private readonly kube: KubeApiForwarder,
    private readonly options: {
      agentVersion: string;
      logger: AgentLogger;
      initialBackoffMs?: number;
      maxBackoffMs?: number;
      onWelcome?: () => void;
    },
  ) {}

  start() {
    this.stopped = false;
    this.dial();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
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
      for (const stream of this.streams.values()) stream.abort.abort();
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
      if (error instanceof TunnelProtocolError)
        socket.close(1008, error.message.slice(0, 120));
      return;
    }
    switch (frame.type) {
      case 'Welcome':
        this.attempt = 0;
        this.maxFrameBytes = frame.payload.maxFrameBytes;
        this.windowBytes = frame.payload.initialWindowBytes;
        this.options.logger.info(`connected as ${this.config.clusterName}`);
        this.options.onWelcome?.();
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
          body: [],
          request: frame.payload,
        };
        this.streams.set(frame.streamId, stream);
        if (!frame.payload.hasBody)
          this.forward(socket, frame.streamId, stream);
        return;
      }
      case 'Data':
        this.streams.get(frame.streamId)?.body.push(Buffer.from(frame.payload));
        return;
      case 'End': {
        const stream = this.streams.get(frame.streamId);
        if (stream) this.forward(socket, frame.streamId, stream);
        return;
      }
      case 'Window': {
        const stream = this.streams.get(frame.streamId);
        if (stream) {
          stream.credit += frame.payload.bytes;
          stream.resume?.();
        }
        return;
      }
      case 'Cancel':
        this.streams.get(frame.streamId)?.abort.abort();
        this.streams.delete(frame.streamId);
        return;
      default:
        return;
    }
  }

  private async forward(socket: WebSocket, id: number, stream: Stream) {
    const request = stream.request!;
    let response: IncomingMessage;
    try {
      response = await this.kube.forward({
        method: request.method,
        path: request.path,
        headers: request.headers,
        body: stream.body.length ? Buffer.concat(stream.body) : undefined,
        signal: stream.abort.signal,
      });
    } catch (error) {
      if (this.streams.delete(id)) {
        this.send(socket, {
          type: 'Error',
          streamId: id,
          payload: {
            message: `API server unreachable: ${(error as Error).message}`,
            status: 502,
          },
        });
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
              stream.resume = resolve;
              stream.abort.signal.addEventListener('abort', () => resolve(), {
                once: true,
              });
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
