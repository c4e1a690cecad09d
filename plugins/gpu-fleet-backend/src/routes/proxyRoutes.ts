import Router from 'express-promise-router';
import { gpuFleetClusterProxyPermission } from '@gpu-fleet/plugin-gpu-fleet-common';
import { ClusterTunnels } from '../gateway/ClusterTunnels';
import { statusOf, TunnelRequest } from '../gateway/TunnelStream';
import { sendKubeStatus } from './kubeStatus';
import { ProxyAuthorizationCache } from './proxyAuthorization';
import { clusterNameParam } from './requestContext';
import {
  hasRequestBody,
  passThrough,
  streamedBody,
  tooLarge,
} from './requestBodies';
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

export function proxyRoutes(
  tunnels: Pick<ClusterTunnels, 'request'>,
  deps: RouteDeps,
  options: { maxBodyBytes: number; authorization: ProxyAuthorizationCache },
) {
  const { maxBodyBytes, authorization } = options;
  const router = Router();

  router.all('/clusters/:name/proxy*', async (req, res) => {
    await authorization.authorize(req, gpuFleetClusterProxyPermission, deps);
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
        body: hasRequestBody(req) ? streamedBody(req, maxBodyBytes) : undefined,
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
