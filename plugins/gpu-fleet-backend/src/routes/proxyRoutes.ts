import { Readable } from 'node:stream';
import { Config } from '@backstage/config';
import { Request, Response } from 'express';
import Router from 'express-promise-router';
import { gpuFleetClusterProxyPermission } from '@gpu-fleet/plugin-gpu-fleet-common';
import { ClusterTunnels } from '../gateway/ClusterTunnels';
import {
  statusOf,
  TunnelRequest,
  TunnelRequestError,
} from '../gateway/TunnelStream';
import { sendKubeStatus } from './kubeStatus';
import { authorize, clusterNameParam } from './requestContext';
import { RouteDeps } from './types';

const API_PATH = /^\/(api|apis|version|openapi)(\/|\?|$)/;
// Watches and followed logs live as long as the caller wants.
const LONG_LIVED = /[?&](watch=(1|true)|follow=(1|true))(&|$)/;
const FORWARDED_HEADERS = ['accept', 'content-type', 'user-agent'];
const RETURNED_HEADERS = [
  'content-type',
  'content-encoding',
  'cache-control',
  'warning',
  'audit-id',
];

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

const tooLarge = (seen: string, maxBodyBytes: number) =>
  `request body: ${seen} is over the ${maxBodyBytes}-byte limit (gpuFleet.proxy.maxRequestBodyBytes)`;

/**
 * The caller's body as it arrives, untouched (JSON, YAML or a patch), read
 * only as fast as the tunnel takes it and refused once past the limit.
 */
async function* streamedBody(
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
function passThrough(body: Readable, res: Response): Promise<void> {
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

export function proxyRoutes(
  tunnels: Pick<ClusterTunnels, 'request'>,
  deps: RouteDeps,
  maxBodyBytes: number,
) {
  const router = Router();

  router.all('/clusters/:name/proxy*', async (req, res) => {
    await authorize(req, gpuFleetClusterProxyPermission, deps);
    const name = clusterNameParam(req);
    const prefix = `/clusters/${name}/proxy`;
    const path = req.url.slice(req.url.indexOf(prefix) + prefix.length) || '/';
    if (!API_PATH.test(path)) {
      sendKubeStatus(
        res,
        400,
        `path: '${path.split('?')[0]}' is not a Kubernetes API path`,
      );
      return;
    }
    const headers: Record<string, string> = {};
    for (const key of FORWARDED_HEADERS) {
      const value = req.headers[key];
      if (typeof value === 'string') headers[key] = value;
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxBodyBytes) {
      sendKubeStatus(res, 413, tooLarge(`${declared} bytes`, maxBodyBytes));
      return;
    }
    const hasBody =
      declared > 0 || req.headers['transfer-encoding'] !== undefined;
    const caller = new AbortController();
    // Only a caller who leaves early cancels; aborting after every answer
    // would cost an exception object per request.
    res.on('close', () => {
      if (!res.writableFinished) caller.abort();
    });
    const longLived = LONG_LIVED.test(path);
    let response;
    try {
      response = await tunnels.request(name, {
        method: req.method as TunnelRequest['method'],
        path,
        headers,
        body: hasBody ? streamedBody(req, maxBodyBytes) : undefined,
        stream: longLived,
        timeoutMs: longLived ? undefined : 60_000,
        signal: caller.signal,
      });
    } catch (error) {
      sendKubeStatus(res, statusOf(error), (error as Error).message);
      return;
    }
    res.status(response.status);
    for (const key of RETURNED_HEADERS) {
      if (response.headers[key]) res.setHeader(key, response.headers[key]);
    }
    // A watch may stay silent for minutes; its caller should see the headers now.
    if (longLived) res.flushHeaders();
    await passThrough(response.body, res);
  });

  return router;
}
