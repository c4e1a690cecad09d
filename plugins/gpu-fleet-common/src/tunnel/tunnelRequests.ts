/** What the tunnel carries of a Kubernetes API request, shared by the proxy, the gateway and the agent. */

/** HTTP methods a `Request` frame carries; the Kubernetes API needs no others. */
export const TUNNEL_METHODS = [
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
] as const;

export type TunnelMethod = (typeof TUNNEL_METHODS)[number];

/** Longest path (query included) a `Request` frame carries. */
export const MAX_TUNNEL_PATH_CHARS = 8192;

/** Longest value of one forwarded header. */
export const MAX_TUNNEL_HEADER_BYTES = 8192;

/** Longest name of one forwarded header. */
export const MAX_TUNNEL_HEADER_NAME_CHARS = 256;

const utf8 = new TextEncoder();
const API_PATH = /^\/(api|apis|version|openapi)(\/|\?|$)/;

/** A request the tunnel will not carry, with the HTTP status that says why. */
export interface TunnelRequestProblem {
  status: 400 | 405 | 414 | 431;
  message: string;
}

export function isTunnelMethod(method: string): method is TunnelMethod {
  return (TUNNEL_METHODS as readonly string[]).includes(method);
}

/**
 * Why a path must not reach an API server, or undefined. Dot segments,
 * plain or percent-encoded, would be resolved by the agent's URL parser and
 * lead out of the API (`/api/../healthz`) or out of the server URL's own
 * prefix; encoded separators hide segments from this very check.
 */
export function kubeApiPathProblem(path: string): string | undefined {
  if (path.length > MAX_TUNNEL_PATH_CHARS) {
    return `path: ${path.length} characters is over the ${MAX_TUNNEL_PATH_CHARS}-character limit`;
  }
  const end = path.search(/[?#]/);
  const pathname = end === -1 ? path : path.slice(0, end);
  if (!API_PATH.test(pathname)) {
    return `path: '${shorten(pathname)}' is not a Kubernetes API path`;
  }
  if (path.includes('#')) return 'path: a fragment (#) is not allowed';
  for (const segment of pathname.split('/')) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return `path: segment '${shorten(
        segment,
      )}' is not valid percent-encoding`;
    }
    if (decoded === '.' || decoded === '..') {
      return `path: dot segment '${shorten(segment)}' is not allowed`;
    }
    if (/[/\\\0]/.test(decoded)) {
      return `path: segment '${shorten(segment)}' hides a separator or NUL`;
    }
  }
  return undefined;
}

/**
 * Checks a request before it enters the tunnel; one the tunnel cannot carry
 * is refused on its own, never sent to fail the agent's whole session.
 */
export function tunnelRequestProblem(request: {
  method: string;
  path: string;
  headers?: Record<string, string>;
}): TunnelRequestProblem | undefined {
  if (!isTunnelMethod(request.method)) {
    return {
      status: 405,
      message: `method: ${shorten(
        request.method,
      )} is not carried to the cluster; use one of ${TUNNEL_METHODS.join(
        ', ',
      )}`,
    };
  }
  if (request.path.length > MAX_TUNNEL_PATH_CHARS) {
    return {
      status: 414,
      message: `path: ${request.path.length} characters is over the ${MAX_TUNNEL_PATH_CHARS}-character limit`,
    };
  }
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    if (
      name.length > MAX_TUNNEL_HEADER_NAME_CHARS ||
      utf8.encode(value).length > MAX_TUNNEL_HEADER_BYTES
    ) {
      return {
        status: 431,
        message: `headers.${shorten(
          name,
          60,
        )}: over the ${MAX_TUNNEL_HEADER_BYTES}-byte limit`,
      };
    }
  }
  const problem = kubeApiPathProblem(request.path);
  return problem ? { status: 400, message: problem } : undefined;
}

// Messages echo what the caller sent; keep them short.
function shorten(text: string, max = 100): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
