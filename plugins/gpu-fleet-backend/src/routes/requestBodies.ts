import { Readable } from 'node:stream';
import { Config } from '@backstage/config';
import { Request, Response } from 'express';
import { TunnelRequestError } from '../gateway/TunnelStream';

/** Default for gpuFleet.proxy.maxRequestBodyBytes: far above any manifest, well below memory trouble. */
export const DEFAULT_MAX_PROXY_BODY_BYTES = 16 * 1024 * 1024;

export function readMaxProxyBodyBytes(config: Config): number {
  const key = 'gpuFleet.proxy.maxRequestBodyBytes';
  const value = config.getOptionalNumber(key);
  if (value === undefined) return DEFAULT_MAX_PROXY_BODY_BYTES;
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(`${key} must be a positive whole number of bytes`);
  }
  return value;
}

export const tooLarge = (seen: string, maxBodyBytes: number) =>
  `request body: ${seen} is over the ${maxBodyBytes}-byte limit (gpuFleet.proxy.maxRequestBodyBytes)`;

/**
 * The caller's body as it arrives, untouched (JSON, YAML or a patch), read
 * only as fast as the tunnel takes it and refused once past the limit.
 */
export async function* streamedBody(
  req: Request,
  maxBodyBytes: number,
): AsyncIterable<Uint8Array> {
  let seen = 0;
  // Left undestroyed when abandoned, so the answer can still be written.
  for await (const chunk of req.iterator({ destroyOnReturn: false })) {
    seen += (chunk as Buffer).length;
    if (seen > maxBodyBytes) {
      throw new TunnelRequestError(
        tooLarge(`more than ${maxBodyBytes} bytes`, maxBodyBytes),
        413,
      );
    }
    yield chunk as Buffer;
  }
}

/**
 * Copies the cluster's answer to the caller. `stream.pipeline` would do the
 * same but allocates an aborted signal, exception included, per request.
 */
export function passThrough(body: Readable, res: Response): Promise<void> {
  return new Promise(resolve => {
    // The tunnel closed mid-answer: the caller sees a cut-off response.
    body.once('error', () => res.destroy());
    res.once('close', () => {
      // The caller went away: stop the stream in the cluster too.
      if (!body.readableEnded) body.destroy();
      resolve();
    });
    body.pipe(res);
  });
}

/** Whether the caller sent a body, declared or chunked. */
export function hasRequestBody(req: Request): boolean {
  return (
    Number(req.headers['content-length'] ?? 0) > 0 ||
    req.headers['transfer-encoding'] !== undefined
  );
}
