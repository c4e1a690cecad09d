import { kubeApiPathProblem, tunnelRequestProblem } from './tunnelRequests';

describe('what the tunnel carries', () => {
  it('lets Kubernetes API paths through, queries included', () => {
    for (const path of [
      '/api',
      '/api/v1/namespaces/default/pods?watch=1&labelSelector=a%3Db',
      '/apis/apps/v1/deployments',
      '/version',
      '/openapi/v2',
      '/api/v1/namespaces/default/configmaps/a.b..c',
      '/api/v1/namespaces/default/pods?fieldSelector=x/../y',
    ]) {
      expect(kubeApiPathProblem(path)).toBeUndefined();
    }
  });

  it.each([
    ['/api/../healthz', "dot segment '..'"],
    ['/api/%2e%2e/livez', "dot segment '%2e%2e'"],
    ['/api/%2E./livez', "dot segment '%2E.'"],
    ['/api/v1/./pods', "dot segment '.'"],
    ['/api/v1/%2e', "dot segment '%2e'"],
    ['/api/v1/..', "dot segment '..'"],
    ['/api/v1/a%2f..%2fb', 'hides a separator'],
    ['/api/v1/a%5c..', 'hides a separator'],
    ['/api/v1/a%00', 'hides a separator or NUL'],
    ['/api/v1/%zz', 'not valid percent-encoding'],
    ['/api/v1/pods#x', 'fragment'],
    ['/healthz', 'is not a Kubernetes API path'],
    ['/apix/v1', 'is not a Kubernetes API path'],
    ['api/v1', 'is not a Kubernetes API path'],
  ])('refuses %s', (path, problem) => {
    expect(kubeApiPathProblem(path)).toContain(problem);
    expect(kubeApiPathProblem(path)).toMatch(/^path: /);
  });

  it('answers what the tunnel cannot carry with the status that says why', () => {
    const ok = { method: 'GET', path: '/api/v1/pods', headers: {} };
    expect(tunnelRequestProblem(ok)).toBeUndefined();
    for (const method of ['OPTIONS', 'TRACE', 'PROPFIND', 'CONNECT', 'get']) {
      expect(tunnelRequestProblem({ ...ok, method })?.status).toBe(405);
    }
    expect(
      tunnelRequestProblem({ ...ok, path: `/api/${'a'.repeat(8192)}` }),
    ).toEqual({
      status: 414,
      message: 'path: 8197 characters is over the 8192-character limit',
    });
    expect(
      tunnelRequestProblem({ ...ok, headers: { accept: 'x'.repeat(8193) } }),
    ).toEqual({
      status: 431,
      message: 'headers.accept: over the 8192-byte limit',
    });
    // Bytes, not characters: multi-byte text counts in full.
    expect(
      tunnelRequestProblem({
        ...ok,
        headers: { 'user-agent': 'é'.repeat(4097) },
      })?.status,
    ).toBe(431);
    expect(
      tunnelRequestProblem({ ...ok, path: '/api/%2e%2e/livez' })?.status,
    ).toBe(400);
  });
});
