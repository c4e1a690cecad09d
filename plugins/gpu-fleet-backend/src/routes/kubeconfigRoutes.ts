import { InputError } from '@backstage/errors';
import Router from 'express-promise-router';
import { gpuFleetClusterReadPermission } from '@gpu-fleet/plugin-gpu-fleet-common';
import { KubectlEndpoint } from '../proxyTls/kubectlEndpoint';
import { ClusterRegistry } from '../registry/ClusterRegistry';
import { authorize, clusterNameParam } from './requestContext';
import { RouteDeps } from './types';

// Only read to tell the user when the file stops working; never trusted.
function tokenExpiry(token: string): string | undefined {
  try {
    const payload = JSON.parse(
      Buffer.from(token.split('.')[1], 'base64url').toString(),
    );
    return typeof payload.exp === 'number'
      ? new Date(payload.exp * 1000).toISOString()
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A kubeconfig whose server is this cluster's proxy and whose credential is
 * the caller's own Backstage token, so kubectl gets exactly their rights.
 * The server is always https with the CA to trust in the file: kubectl
 * sends no credential to anything else.
 */
export function kubeconfigRoutes(
  registry: ClusterRegistry,
  deps: RouteDeps & { kubectlEndpoint: () => Promise<KubectlEndpoint> },
) {
  const router = Router();
  router.get('/clusters/:name/kubeconfig', async (req, res) => {
    // Anyone who may read the cluster gets a file; the proxy then decides
    // each request on its namespace and verb.
    const name = clusterNameParam(req);
    await authorize(req, gpuFleetClusterReadPermission, deps, name);
    await registry.get(name);
    const endpoint = await deps.kubectlEndpoint();
    const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!token) {
      throw new InputError(
        'authorization: send your Backstage token as a Bearer token',
      );
    }
    const expires = tokenExpiry(token);
    const server = `${endpoint.baseUrl}/clusters/${name}/proxy`;
    const q = (value: string) => JSON.stringify(value);
    const cluster = [`server: ${q(server)}`];
    if (endpoint.certificateAuthority) {
      const data = Buffer.from(endpoint.certificateAuthority).toString(
        'base64',
      );
      cluster.push(`certificate-authority-data: ${q(data)}`);
    }
    res
      .type('application/yaml')
      .send(
        [
          `# kubectl access to ${name} through GPU Fleet; valid while your Backstage token is${
            expires ? ` (until ${expires})` : ''
          }.`,
          '# When kubectl says Unauthorized, download this file again for a fresh token.',
          'apiVersion: v1',
          'kind: Config',
          'clusters:',
          `  - name: ${q(name)}`,
          `    cluster: { ${cluster.join(', ')} }`,
          'users:',
          `  - name: ${q(`gpu-fleet-${name}`)}`,
          `    user: { token: ${q(token)} }`,
          'contexts:',
          `  - name: ${q(`gpu-fleet-${name}`)}`,
          `    context: { cluster: ${q(name)}, user: ${q(
            `gpu-fleet-${name}`,
          )} }`,
          `current-context: ${q(`gpu-fleet-${name}`)}`,
          '',
        ].join('\n'),
      );
  });
  return router;
}
