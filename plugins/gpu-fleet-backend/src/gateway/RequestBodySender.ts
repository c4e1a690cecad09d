/**
 * Sends one request body to the agent no faster than the agent grants
 * credit, so a large upload holds at most one window in the tunnel and the
 * caller's socket is read only as the API server takes the bytes.
 */
export class RequestBodySender {
  private credit: number;
  private wake?: () => void;
  private stopped = false;

  constructor(
    windowBytes: number,
    private readonly chunkBytes: number,
    private readonly sendData: (chunk: Buffer) => void,
  ) {
    this.credit = windowBytes;
  }

  /** The agent's `Window` frame for this stream. */
  grant(bytes: number) {
    this.credit += bytes;
    this.wake?.();
  }

  /** The stream ended or was cancelled: send nothing more. */
  stop() {
    this.stopped = true;
    this.wake?.();
  }

  /**
   * Resolves with the bytes sent once the whole body is out, or early when
   * stopped; rejects when the body itself fails (e.g. over the size limit).
   */
  async send(body: Buffer | AsyncIterable<Uint8Array>): Promise<number> {
    let sent = 0;
    const chunks = Buffer.isBuffer(body) ? [body] : body;
    for await (const chunk of chunks) {
      const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
      let offset = 0;
      while (offset < bytes.length) {
        while (this.credit === 0 && !this.stopped) {
          await new Promise<void>(resolve => {
            this.wake = resolve;
          });
        }
        if (this.stopped) return sent;
        const size = Math.min(
          this.credit,
          this.chunkBytes,
          bytes.length - offset,
        );
        this.credit -= size;
        this.sendData(bytes.subarray(offset, offset + size));
        offset += size;
        sent += size;
      }
    }
    return sent;
  }
}
