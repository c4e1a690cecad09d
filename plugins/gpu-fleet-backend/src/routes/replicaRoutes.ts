import express, { Request } from 'express';
import Router from 'express-promise-router';
import { HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import { AgentGateway } from '../gateway/AgentGateway';
import { CloseCode } from '../gateway/TunnelSession';
import {
  REPLICA_REQUEST_HEADER,
  ReplicaTunnelRequest,
} from '../gateway/ReplicaClient';
import { statusOf } from '../gateway/TunnelStream';
import { sendKubeStatus } from './kubeStatus';
import { hasRequestBody, passThrough, streamedBody } from './requestBodies';
import { clusterNameParam } from './requestContext';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];
const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
];

// Only other replicas of this plugin may use these routes.
async function requirePeer(req: Request, httpAuth: HttpAuthService) {
  const credentials = await httpAuth.credentials(req, { allow: ['service'] });
  if (credentials.principal.subject !== 'plugin:gpu-fleet') {
    throw new NotAllowedError('only gpu-fleet replicas may call this route');
  }
}

function describedRequest(req: Request): ReplicaTunnelRequest {
  const raw = req.headers[REPLICA_REQUEST_HEADER];
  let described: ReplicaTunnelRequest;
  try {
    described = JSON.parse(decodeURIComponent(String(raw)));
  } catch {
    throw new InputError(`${REPLICA_REQUEST_HEADER}: not URI-encoded JSON`);
  }
  if (
    !METHODS.includes(described?.method) ||
    typeof described.path !== 'string'
  ) {
    throw new InputError(
      `${REPLICA_REQUEST_HEADER}: needs a method (${METHODS.join(
        ', ',
      )}) and a path`,
    );
  }
  return described;
}

/**
 * Routes one replica calls on the replica that holds a cluster's session.
 * They reach only this replica's sessions, so a request never hops twice.
 */
export function replicaRoutes(
  gateway: AgentGateway,
  deps: { httpAuth: HttpAuthService },
  maxBodyBytes: number,
) {
  const router = Router();

  router.post('/replica/clusters/:name/tunnel', async (req, res) => {
    await requirePeer(req, deps.httpAuth);
    const name = clusterNameParam(req);
    const described = describedRequest(req);
    const caller = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) caller.abort();
    });
    let response;
    try {
      response = await gateway.request(name, {
        ...described,
        // Passed on as it arrives, as the replica that took the call does.
        body: hasRequestBody(req) ? streamedBody(req, maxBodyBytes) : undefined,
        signal: caller.signal,
      });
    } catch (error) {
      sendKubeStatus(res, statusOf(error), (error as Error).message);
      return;
    }
    res.status(response.status);
    for (const [key, value] of Object.entries(response.headers)) {
      if (!HOP_BY_HOP.includes(key)) res.setHeader(key, value);
    }
    if (described.stream) res.flushHeaders();
    await passThrough(response.body, res);
  });

  router.post(
    '/replica/clusters/:name/session/close',
    express.raw({ type: () => true, limit: 64 * 1024 }),
    async (req, res) => {
      await requirePeer(req, deps.httpAuth);
      const name = clusterNameParam(req);
      let body: { reason?: unknown; replaced?: unknown };
      try {
        body = JSON.parse(String(req.body ?? '{}'));
      } catch {
        throw new InputError('(body): not valid JSON');
      }
      const reason =
        typeof body.reason === 'string'
          ? body.reason.slice(0, 200)
          : 'closed by another replica';
      const closed = gateway.closeSession(
        name,
        body.replaced === true
          ? CloseCode.Replaced
          : CloseCode.TokenInvalidated,
        reason,
      );
      res.json({ closed });
    },
  );

  return router;
}
