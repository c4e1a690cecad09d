import { Readable } from 'node:stream';
import { ResponseError } from '@backstage/errors';

export interface TunnelRequest {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  headers?: Record<string, string>;
  /** Sent as the agent grants credit; an iterable streams without buffering. */
  body?: Buffer | AsyncIterable<Uint8Array>;
  /** Long-lived responses (watch, logs -f) are never timed out. */
  stream?: boolean;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface TunnelResponse {
  status: number;
  headers: Record<string, string>;
  body: Readable;
}

/** A failure the caller can turn into an HTTP status. */
export class TunnelRequestError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
    this.name = 'TunnelRequestError';
  }
}

/**
 * One request's response on the control-plane side: buffers at most one
 * window of body and grants the agent more only as the consumer reads.
 */
export class TunnelStream {
  private body?: Readable;
  /** Bytes received and not yet granted back: never above the window. */
  private outstanding = 0;
  private settled = false;
  private resolveResponse!: (response: TunnelResponse) => void;
  private rejectResponse!: (error: Error) => void;
  readonly response: Promise<TunnelResponse>;

  constructor(
    readonly id: number,
    private readonly windowBytes: number,
    private readonly grant: (bytes: number) => void,
    private readonly cancel: (reason: string) => void,
  ) {
    this.response = new Promise((resolve, reject) => {
      this.resolveResponse = resolve;
      this.rejectResponse = reject;
    });
    // Nobody may be awaiting yet when a failure arrives.
    this.response.catch(() => {});
  }

  onResponse(status: number, headers: Record<string, string>) {
    if (this.body) return;
    this.body = new Readable({
      highWaterMark: this.windowBytes,
      read: () => this.grantConsumed(),
      destroy: (error, callback) => {
        if (!this.settled) {
          this.settled = true;
          this.cancel(
            error ? error.message : 'response body closed by the caller',
          );
        }
        callback(error);
      },
    });
    // A body failing before anyone listens must not crash the backend;
    // readers still get the error through their own listeners.
    this.body.on('error', () => {});
    this.resolveResponse({ status, headers, body: this.body });
  }

  /** Takes a body chunk, or says what the agent did wrong. */
  onData(chunk: Uint8Array): string | undefined {
    if (!this.body) {
      return `frame.type: Data on stream ${this.id} before its Response`;
    }
    this.outstanding += chunk.length;
    if (this.outstanding > this.windowBytes) {
      return `frame.payload: Data on stream ${this.id} beyond the ${this.windowBytes}-byte window it was given`;
    }
    this.body.push(Buffer.from(chunk));
    return undefined;
  }

  onEnd() {
    this.settled = true;
    if (this.body) this.body.push(null);
    else
      this.rejectResponse(
        new TunnelRequestError(
          'the agent ended the stream without a response',
          502,
        ),
      );
  }

  fail(error: TunnelRequestError) {
    if (this.settled && this.body) return;
    this.settled = true;
    if (this.body) this.body.destroy(error);
    else this.rejectResponse(error);
  }

  // Node asks to read once per push cycle, so whatever has been consumed by
  // then must be granted now, or an agent waiting for credit never resumes.
  private grantConsumed() {
    if (!this.body || this.settled) return;
    const consumed = this.outstanding - this.body.readableLength;
    if (consumed > 0) {
      this.outstanding -= consumed;
      this.grant(consumed);
    }
  }
}

export function statusOf(error: unknown): number {
  if (error instanceof TunnelRequestError) return error.status;
  if (error instanceof ResponseError) return error.response.status;
  return 502;
}
