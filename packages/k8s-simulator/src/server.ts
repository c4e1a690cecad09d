/** The HTTP front door: health, version, discovery, and dispatch to resource handlers. */

import http, { IncomingMessage, ServerResponse } from 'node:http';
import {
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
  versionInfo,
} from './discovery';
import { openApiV3Document, openApiV3Root } from './openapi';
import { parseApiPath } from './requestInfo';
import { handleResourceRequest, HandlerContext } from './resourceHandler';
import {
  chooseFormat,
  writeBody,
  writeStatusError,
  writeText,
} from './responses';
import {
  ApiError,
  methodNotAllowed,
  resourceNotServed,
  toApiError,
} from './statusErrors';

export interface ApiServerContext extends HandlerContext {
  kubernetesVersion: string;
}

const HEALTH_PATHS = /^\/(healthz|livez|readyz)(\/.*)?$/;

async function route(
  ctx: ApiServerContext,
  req: IncomingMessage,
  res: ServerResponse,
) {
  const url = new URL(req.url ?? '/', 'http://simulator.invalid');
  const pathname =
    url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
  const method = req.method ?? 'GET';
  const format = chooseFormat(req.headers.accept);
  const discovery = (body: unknown) => {
    if (method !== 'GET') throw methodNotAllowed();
    if (body === undefined) throw resourceNotServed();
    writeBody(res, 200, body, format.encoding);
  };

  if (pathname === '/version') {
    discovery(versionInfo(ctx.kubernetesVersion));
    return;
  }
  if (HEALTH_PATHS.test(pathname)) {
    writeText(res, 200, 'ok');
    return;
  }
  if (pathname === '/') {
    discovery({
      paths: [
        '/api',
        '/api/v1',
        '/apis',
        ...ctx.state.registry.groups().map(g => `/apis/${g.name}`),
        '/healthz',
        '/livez',
        '/readyz',
        '/version',
      ],
    });
    return;
  }
  if (pathname === '/openapi/v3') {
    discovery(openApiV3Root(ctx.state.registry));
    return;
  }
  const openApiDoc =
    /^\/openapi\/v3\/(?:api\/([^/]+)|apis\/([^/]+)\/([^/]+))$/.exec(pathname);
  if (openApiDoc) {
    const [, coreVersion, group, version] = openApiDoc;
    discovery(
      openApiV3Document(
        ctx.state.registry,
        group ?? '',
        coreVersion ?? version,
      ),
    );
    return;
  }
  // /openapi/v2 (and anything else unknown) is a 404, as for a server without it.
  const path = parseApiPath(pathname, ctx.state.registry);
  if (!path) {
    throw resourceNotServed();
  }
  const registry = ctx.state.registry;
  switch (path.kind) {
    case 'coreVersions':
      discovery(apiVersions(req.headers.host ?? 'localhost'));
      return;
    case 'groups':
      discovery(apiGroupList(registry));
      return;
    case 'group':
      discovery(apiGroup(registry, path.group));
      return;
    case 'resourceList':
      discovery(apiResourceList(registry, path.group, path.version));
      return;
    default:
      await handleResourceRequest(ctx, req, res, path, url.searchParams);
  }
}

/**
 * How long an idle keep-alive connection stays open. Node's 5 s default is
 * checked before pending reads, so a loop busy serialising large LISTs for
 * longer reset sockets whose next request had already arrived; Go's server,
 * which the real API server uses, has no idle limit by default.
 */
const KEEP_ALIVE_TIMEOUT_MS = 90_000;

export function createApiServer(ctx: ApiServerContext): http.Server {
  const server = http.createServer((req, res) => {
    route(ctx, req, res).catch((error: unknown) => {
      const apiError: ApiError = toApiError(error);
      // Drain what the client sent so keep-alive connections stay usable after errors.
      req.resume();
      writeStatusError(res, apiError);
    });
  });
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  return server;
}
