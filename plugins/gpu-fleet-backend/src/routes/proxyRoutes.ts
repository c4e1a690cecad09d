import Router from 'express-promise-router';
import {
  TUNNEL_METHODS,
  TunnelMethod,
  tunnelRequestProblem,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { ClusterTunnels } from '../gateway/ClusterTunnels';
import { statusOf, TunnelRequestError } from '../gateway/TunnelStream';
import { kubeStatusErrorHandler } from './kubeStatus';
import {
  kubeRequestAttributes,
  READ_VERBS,
} from '../proxyAccess/kubeRequestAttributes';
import { ProxyAccess } from '../proxyAccess/ProxyAccess';
import {
  answerAccessReview,
  isAccessReview,
} from '../proxyAccess/accessReview';
import { clusterNameParam } from './requestContext';
import {
  hasRequestBody,
  passThrough,
  streamedBody,
  tooLarge,
} from './requestBodies';
import { RouteDeps } from './types';

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
  options: {
    maxBodyBytes: number;
    access: ProxyAccess;
    /** Records a proxied write in the cluster's audit log. */
    audit: (
      cluster: string,
      actor: string,
      action: string,
      details: Record<string, unknown>,
    ) => Promise<void>;
  },
) {
  const { maxBodyBytes, access } = options;
  const router = Router();

  // Mounted, not routed with a wildcard: Express would percent-decode the
  // rest of the path as a parameter and fail outside our error handler.
  router.use('/clusters/:name/proxy', async (req, res) => {
    const name = clusterNameParam(req);
    // What follows the mount point, exactly as the caller sent it.
    const path = req.url;
    const headers: Record<string, string> = {};
    for (const key of FORWARDED_HEADERS) {
      const value = req.headers[key];
      if (typeof value === 'string') headers[key] = value;
    }
    // What the tunnel cannot carry is refused here, costing only this request.
    const problem = tunnelRequestProblem({ method: req.method, path, headers });
    if (problem) {
      if (problem.status === 405)
        res.setHeader('Allow', TUNNEL_METHODS.join(', '));
      throw new TunnelRequestError(problem.message, problem.status);
    }
    const attributes = kubeRequestAttributes(req.method, path);
    if (isAccessReview(req.method, attributes)) {
      await answerAccessReview(req, res, name, access);
      return;
    }
    const grant = await access.authorize(req, name, attributes);
    if (!READ_VERBS.has(attributes.verb)) {
      // Every write, with who sent it and what the cluster answered.
      // 'close' comes also when the caller leaves before the answer: the
      // write may have reached the cluster all the same.
      res.once('close', () => {
        options
          .audit(name, grant.actor, `kube.${attributes.verb}`, {
            path: path.split('?')[0],
            namespace: attributes.namespace ?? null,
            resource: attributes.resource ?? null,
            name: attributes.name ?? null,
            workspace: grant.workspace ?? null,
            status: res.writableFinished ? res.statusCode : null,
            callerLeft: !res.writableFinished,
          })
          .catch(error =>
            deps.logger.error(`audit of a proxied write failed: ${error}`),
          );
      });
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxBodyBytes) {
      throw new TunnelRequestError(
        tooLarge(`${declared} bytes`, maxBodyBytes),
        413,
      );
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
        method: req.method as TunnelMethod,
        path,
        headers,
        body: hasRequestBody(req) ? streamedBody(req, maxBodyBytes) : undefined,
        stream: longLived,
        timeoutMs: longLived ? undefined : 60_000,
        signal: caller.signal,
      });
    } catch (error) {
      // Another replica or the tunnel failed us: a gateway error, never ours.
      if (error instanceof TunnelRequestError) throw error;
      throw new TunnelRequestError((error as Error).message, statusOf(error));
    }
    res.status(response.status);
    for (const key of RETURNED_HEADERS) {
      if (response.headers[key]) res.setHeader(key, response.headers[key]);
    }
    // A watch may stay silent for minutes; its caller should see the headers now.
    if (longLived) res.flushHeaders();
    await passThrough(response.body, res);
  });
  // This router serves only the proxy, so every error here is the proxy's,
  // including a cluster name Express could not even decode.
  router.use(kubeStatusErrorHandler(deps.logger));

  return router;
}
