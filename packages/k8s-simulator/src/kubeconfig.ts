/** Kubeconfig files that point kubectl and client libraries at a simulator. */

import { writeFileSync } from 'node:fs';
import YAML from 'yaml';

/** Any bearer token works: the simulator does not authenticate. */
const SIMULATOR_TOKEN = 'k8s-simulator-token';

/** @public */
export function kubeconfigYaml(
  url: string,
  clusterName = 'k8s-simulator',
  namespace = 'default',
): string {
  const user = `${clusterName}-user`;
  return YAML.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    // client-node refuses plain http unless TLS verification is explicitly off.
    clusters: [
      {
        name: clusterName,
        cluster: { server: url, 'insecure-skip-tls-verify': true },
      },
    ],
    users: [{ name: user, user: { token: SIMULATOR_TOKEN } }],
    contexts: [
      { name: clusterName, context: { cluster: clusterName, user, namespace } },
    ],
    'current-context': clusterName,
  });
}

/** Writes a kubeconfig for the simulator at `url` (plain http, any token). */
export function writeKubeconfig(
  url: string,
  path: string,
  clusterName = 'k8s-simulator',
): void {
  writeFileSync(path, kubeconfigYaml(url, clusterName), { mode: 0o600 });
}
