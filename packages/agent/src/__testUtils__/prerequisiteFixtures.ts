import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  SimulatorOptions,
  startSimulator,
  writeKubeconfig,
} from '@gpu-fleet/k8s-simulator';

export const scenarioPath = (name: string) =>
  path.resolve(
    require.resolve('@gpu-fleet/k8s-simulator/package.json'),
    `../scenarios/${name}.yaml`,
  );

/** A simulator for a scenario and a kubeconfig the agent reads it with. */
export async function simulatedCluster(
  scenario: string,
  options: Omit<SimulatorOptions, 'scenario'> = {},
) {
  const sim = await startSimulator({
    ...options,
    scenario: scenarioPath(scenario),
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gpu-fleet-prereq-'));
  const kubeconfig = path.join(dir, 'config');
  writeKubeconfig(sim.url, kubeconfig, scenario);
  return {
    sim,
    kubeconfig,
    close: async () => {
      await sim.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A local stand-in for a registry: answers /v2/ with 401, as registries do anonymously. */
export async function startRegistry() {
  const server = http.createServer((req, res) => {
    res
      .writeHead(req.url === '/v2/' ? 401 : 200, {
        'www-authenticate': 'Bearer realm="test"',
      })
      .end();
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    close: () => new Promise(r => server.close(r)),
  };
}

/** A URL nothing listens on: the port was free a moment ago. */
export async function closedUrl(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise(r => server.close(r));
  return `http://127.0.0.1:${port}`;
}

/** cert-manager's two CRDs the wildcard check reads, as far as the simulator needs. */
export function certManagerCrds() {
  const crd = (plural: string, kind: string, scope: string) => ({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.cert-manager.io` },
    spec: {
      group: 'cert-manager.io',
      names: {
        kind,
        listKind: `${kind}List`,
        plural,
        singular: kind.toLowerCase(),
      },
      scope,
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          subresources: { status: {} },
          schema: {
            openAPIV3Schema: {
              type: 'object',
              'x-kubernetes-preserve-unknown-fields': true,
            },
          },
        },
      ],
    },
  });
  return [
    crd('certificates', 'Certificate', 'Namespaced'),
    crd('clusterissuers', 'ClusterIssuer', 'Cluster'),
  ];
}
