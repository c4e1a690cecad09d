/**
 * What a Kubernetes API request does, read from its method and path the
 * way the API server's request-info resolver does: the attributes
 * Backstage's kubernetes.proxy rules and RBAC both speak of.
 */
export interface KubeRequestAttributes {
  verb:
    | 'get'
    | 'list'
    | 'watch'
    | 'create'
    | 'update'
    | 'patch'
    | 'delete'
    | 'deletecollection';
  /** '' for the core group. */
  apiGroup: string;
  /** Undefined for discovery and other non-resource paths. */
  resource?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

export const READ_VERBS = new Set(['get', 'list', 'watch']);

function decode(segment: string | undefined): string | undefined {
  return segment === undefined ? undefined : decodeURIComponent(segment);
}

/** `url` is the path after the proxy's mount point, with its query. */
export function kubeRequestAttributes(
  method: string,
  url: string,
): KubeRequestAttributes {
  const [pathname, search = ''] = url.split('?', 2);
  const query = new URLSearchParams(search);
  let segments = pathname.split('/').filter(Boolean);
  let apiGroup = '';
  if (segments[0] === 'api') {
    segments = segments.slice(2);
  } else if (segments[0] === 'apis') {
    apiGroup = segments[1] ?? '';
    segments = segments[2] === undefined ? [] : segments.slice(3);
  } else {
    segments = [];
  }
  let watch = ['1', 'true'].includes(query.get('watch') ?? '');
  if (segments[0] === 'watch') {
    watch = true;
    segments = segments.slice(1);
  }
  let namespace: string | undefined;
  // namespaces/<name>/status and /finalize are the namespace's own subresources.
  const namespaceSubresource =
    segments.length === 3 && ['status', 'finalize'].includes(segments[2]);
  if (
    segments[0] === 'namespaces' &&
    segments.length >= 3 &&
    !namespaceSubresource
  ) {
    namespace = decode(segments[1]);
    segments = segments.slice(2);
  }
  const [resource, name, subresource] = segments.map(decode);
  const verbs: Record<string, KubeRequestAttributes['verb']> = {
    POST: 'create',
    PUT: 'update',
    PATCH: 'patch',
  };
  let verb: KubeRequestAttributes['verb'];
  if (method === 'GET' || method === 'HEAD') {
    if (name !== undefined) verb = watch ? 'watch' : 'get';
    else verb = watch ? 'watch' : 'list';
  } else if (method === 'DELETE') {
    verb = name === undefined ? 'deletecollection' : 'delete';
  } else {
    verb = verbs[method] ?? 'create';
  }
  return { verb, apiGroup, resource, subresource, namespace, name };
}
