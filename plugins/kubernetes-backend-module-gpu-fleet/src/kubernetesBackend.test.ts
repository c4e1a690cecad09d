import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import kubernetesPlugin from '@backstage/plugin-kubernetes-backend';
import { RunningSimulator, startSimulator } from '@gpu-fleet/k8s-simulator';
import {
  DEPLOYMENT_LABEL,
  GPU_FLEET_KUBERNETES_AUTH_PROVIDER,
} from '@gpu-fleet/plugin-gpu-fleet-common';
// The tab's requests run through the real GPU Fleet backend, policy and
// agents; the policy package keeps this harness among its tests' files.
/* eslint-disable @backstage/no-mixed-plugin-imports, @backstage/no-forbidden-package-imports */
import {
  orgCatalogYaml,
  PEOPLE,
  startPolicyFleet,
} from '@gpu-fleet/plugin-permission-backend-module-gpu-fleet-policy/src/__testUtils__/startPolicyFleet';
/* eslint-enable @backstage/no-mixed-plugin-imports, @backstage/no-forbidden-package-imports */
import { GPU_FLEET_TOKEN_METADATA_KEY } from './GpuFleetAuthStrategy';
import { kubernetesModuleGpuFleet } from './module';

jest.setTimeout(240_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const WORKSPACE = 'ml-inference';
const SELECTOR = `${DEPLOYMENT_LABEL}=llama`;
// What app-config.yaml asks for: what a workspace viewer may list and the agent may read.
const OBJECT_TYPES = [
  'pods',
  'services',
  'configmaps',
  'deployments',
  'replicasets',
  'resourcequotas',
];

/** A workload Component as GPU Fleet's catalog module describes one. */
function component(
  name: string,
  annotations: { namespace: string; cluster?: string },
) {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        'backstage.io/kubernetes-id': 'llama',
        'backstage.io/kubernetes-namespace': annotations.namespace,
        'backstage.io/kubernetes-label-selector': SELECTOR,
        ...(annotations.cluster
          ? { 'backstage.io/kubernetes-cluster': annotations.cluster }
          : {}),
      },
    },
    spec: { type: 'service', lifecycle: 'production', owner: 'ml-research' },
  };
}

interface ClusterObjects {
  cluster: { name: string; title?: string };
  resources: Array<{ type: string; resources: any[] }>;
  errors: Array<{ errorType: string; statusCode?: number }>;
}

describe.each(databases.eachSupportedId())(
  'the Kubernetes tab through GPU Fleet on %s',
  (databaseId: TestDatabaseId) => {
    let fleet: Awaited<ReturnType<typeof startPolicyFleet>>;
    let direct: RunningSimulator;
    let lambda: Awaited<ReturnType<typeof fleet.attachCluster>>;
    let dir: string;
    let origin: string;

    async function until(
      what: string,
      check: () => Promise<boolean> | boolean,
    ) {
      for (let i = 0; i < 600; i++) {
        if (await check()) return;
        await new Promise(r => setTimeout(r, 100));
      }
      throw new Error(`gave up waiting for ${what}`);
    }

    const kubernetes = (
      route: string,
      authorization: string | undefined,
      init: { body?: unknown; headers?: Record<string, string> } = {},
    ) =>
      fetch(`${origin}/api/kubernetes${route}`, {
        method: init.body === undefined ? 'GET' : 'POST',
        headers: {
          ...(authorization ? { Authorization: authorization } : {}),
          ...(init.body === undefined
            ? {}
            : { 'Content-Type': 'application/json' }),
          ...init.headers,
        },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });

    /** What the tab asks for an entity: its objects, per cluster. */
    async function workloads(entityName: string, authorization: string) {
      const res = await kubernetes(
        '/resources/workloads/query',
        authorization,
        {
          body: { entityRef: `component:default/${entityName}`, auth: {} },
        },
      );
      const body = await res.json();
      if (res.status !== 200) {
        throw new Error(`answered ${res.status}: ${JSON.stringify(body)}`);
      }
      return (body as { items: ClusterObjects[] }).items;
    }

    const podNames = (objects: ClusterObjects | undefined) =>
      (objects?.resources.find(r => r.type === 'pods')?.resources ?? [])
        .map(pod => pod.metadata.name)
        .sort();

    const runningPods = () =>
      fleet.sim.store
        .listObjects('v1', 'Pod', WORKSPACE)
        .filter(
          pod =>
            pod.metadata.labels?.[DEPLOYMENT_LABEL] === 'llama' &&
            (pod.status as any)?.phase === 'Running',
        );

    beforeAll(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gpu-fleet-k8s-tab-'));
      // A cluster app-config names directly, with a pod of the same name
      // and labels, so its answers can be told apart.
      direct = await startSimulator({ kubeletStartDelayMs: 20 });
      direct.store.createObject({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: WORKSPACE },
      });
      direct.store.createObject({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: 'llama-from-app-config',
          namespace: WORKSPACE,
          labels: { [DEPLOYMENT_LABEL]: 'llama' },
        },
        spec: { containers: [{ name: 'vllm', image: 'vllm/vllm-openai' }] },
      });
      const entities = [
        component('llama', { namespace: WORKSPACE, cluster: 'eks-p5' }),
        component('llama-anywhere', { namespace: WORKSPACE }),
        component('lambda-llama', {
          namespace: 'serving',
          cluster: 'lambda-h200',
        }),
      ];
      fs.writeFileSync(
        path.join(dir, 'catalog.yaml'),
        [orgCatalogYaml(), ...entities.map(e => JSON.stringify(e))].join(
          '\n---\n',
        ),
      );
      const configured = (name: string) => ({
        name,
        url: direct.url,
        authProvider: 'serviceAccount',
        serviceAccountToken: 'app-config-token',
        skipMetricsLookup: true,
      });
      fleet = await startPolicyFleet(await databases.init(databaseId), dir, {
        inventory: true,
        realCatalog: true,
        features: [catalogPlugin, kubernetesPlugin, kubernetesModuleGpuFleet],
        config: {
          catalog: {
            rules: [{ allow: ['Group', 'User', 'Component'] }],
            locations: [
              { type: 'file', target: path.join(dir, 'catalog.yaml') },
            ],
          },
          kubernetes: {
            serviceLocatorMethod: { type: 'singleTenant' },
            clusterLocatorMethods: [
              {
                type: 'config',
                clusters: [
                  configured('app-config-sim'),
                  configured('shadowed'),
                ],
              },
            ],
            objectTypes: OBJECT_TYPES,
          },
        },
        gpuFleet: {
          gitops: {
            url: path.join(dir, 'gitops.git'),
            workingDirectory: path.join(dir, 'gitops-clone'),
          },
        },
      });
      origin = new URL(fleet.base).origin;

      // Workspace roles reach bob through his team's parent group, which
      // the catalog must know before he deploys; the tab looks entities up.
      await until('the catalog', async () => {
        const catalog = (route: string) =>
          fetch(`${origin}/api/catalog/entities/by-name/${route}`, {
            headers: { Authorization: fleet.as.fleetAdmin },
          });
        const team = await catalog('group/default/llm-team');
        if (team.status !== 200) return false;
        const { relations = [] } = await team.json();
        const parent = relations.some(
          (r: { type: string; targetRef: string }) =>
            r.type === 'childOf' && r.targetRef === 'group:default/ml-research',
        );
        const components = await Promise.all(
          entities.map(e => catalog(`component/default/${e.metadata.name}`)),
        );
        return parent && components.every(c => c.status === 200);
      });

      lambda = await fleet.attachCluster(
        'lambda-h200',
        'lambda',
        'lambda-h200',
      );
      // A registry cluster named like an app-config one; its agent never comes.
      const shadow = await fleet.call(
        'POST',
        '/clusters',
        fleet.as.fleetAdmin,
        {
          name: 'shadowed',
          provider: 'generic',
        },
      );
      if (shadow.status !== 201) throw new Error(await shadow.text());

      for (const [name, cluster, namespace, gpuQuota] of [
        [WORKSPACE, 'eks-p5', WORKSPACE, [{ gpuType: 'H100', count: 16 }]],
        ['lambda-serving', 'lambda-h200', 'serving', []],
      ] as const) {
        const res = await fleet.call(
          'POST',
          '/workspaces',
          fleet.as.fleetAdmin,
          {
            name,
            cluster,
            namespace,
            gpuQuota,
            // GPU nodes are tainted.
            defaults: {
              tolerations: [
                {
                  key: 'nvidia.com/gpu',
                  operator: 'Exists',
                  effect: 'NoSchedule',
                },
              ],
            },
            members: [
              { ref: 'group:default/ml-research', role: 'deployer' },
              { ref: PEOPLE.viewer.ref, role: 'viewer' },
            ],
          },
        );
        if (res.status !== 201) throw new Error(await res.text());
      }
      await until('GPU inventory', async () => {
        const inv = await fleet.call(
          'GET',
          '/clusters/eks-p5/inventory',
          fleet.as.fleetAdmin,
        );
        return ((await inv.json()).nodes?.length ?? 0) > 0;
      });
      // The deployer deploys through GPU Fleet, which labels what it renders.
      const deployed = await fleet.call(
        'POST',
        '/deployments',
        fleet.as.deployer,
        {
          kind: 'Service',
          template: 'vllm',
          name: 'llama',
          workspace: WORKSPACE,
          image: 'vllm/vllm-openai:v0.6.4',
          model: 'meta-llama/Llama-3.1-8B-Instruct',
          resources: {
            gpu: { type: 'H100', count: 1 },
            cpu: '8',
            memory: '64Gi',
          },
          replicas: { min: 2, max: 2 },
        },
      );
      if (deployed.status !== 201) throw new Error(await deployed.text());
      await until('two running pods', () => runningPods().length === 2);
    });

    afterAll(async () => {
      await fleet?.stop();
      await direct?.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('lists app-config clusters and the registry’s, with no secret in what the browser gets', async () => {
      const res = await kubernetes('/clusters', fleet.as.deployer);
      expect(res.status).toBe(200);
      const text = await res.text();
      const { items } = JSON.parse(text);
      expect(items).toEqual([
        { name: 'app-config-sim', authProvider: 'serviceAccount' },
        // app-config's cluster wins a name both have.
        { name: 'shadowed', authProvider: 'serviceAccount' },
        {
          name: 'eks-p5',
          title: 'eks-p5',
          authProvider: GPU_FLEET_KUBERNETES_AUTH_PROVIDER,
        },
        {
          name: 'lambda-h200',
          title: 'lambda-h200',
          authProvider: GPU_FLEET_KUBERNETES_AUTH_PROVIDER,
        },
      ]);
      expect(text).not.toContain(GPU_FLEET_TOKEN_METADATA_KEY);
      expect(text).not.toContain('app-config-token');
    });

    it('shows a workspace deployer and a viewer the pods of their workload, and nothing else', async () => {
      const expected = runningPods()
        .map(pod => pod.metadata.name)
        .sort();
      for (const person of [fleet.as.deployer, fleet.as.viewer]) {
        const items = await workloads('llama', person);
        // The Component names its cluster: only that one is asked.
        expect(items.map(i => i.cluster.name)).toEqual(['eks-p5']);
        expect(items[0].errors).toEqual([]);
        expect(podNames(items[0])).toEqual(expected);
        const deployments = items[0].resources.find(
          r => r.type === 'deployments',
        )?.resources;
        expect(deployments?.map(d => d.metadata.name)).toEqual(['llama']);
      }
    });

    it('shows a signed-in stranger that cluster’s refusal, never the pods', async () => {
      const items = await workloads('llama', fleet.as.nobody);
      expect(items).toHaveLength(1);
      expect(items[0].cluster.name).toBe('eks-p5');
      expect(podNames(items[0])).toEqual([]);
      expect(items[0].resources).toEqual([]);
      expect(items[0].errors.length).toBe(OBJECT_TYPES.length);
      for (const error of items[0].errors) {
        expect(error).toMatchObject({ statusCode: 403 });
      }
    });

    it('refuses a request without a token or with a forged one', async () => {
      const body = { entityRef: 'component:default/llama', auth: {} };
      for (const authorization of [undefined, fleet.refused.forged]) {
        for (const res of [
          await kubernetes('/resources/workloads/query', authorization, {
            body,
          }),
          await kubernetes('/clusters', authorization),
          await kubernetes(
            `/proxy/api/v1/namespaces/${WORKSPACE}/pods`,
            authorization,
            { headers: { 'Backstage-Kubernetes-Cluster': 'eks-p5' } },
          ),
        ]) {
          expect(res.status).toBe(401);
        }
      }
    });

    it('reaches app-config clusters beside the registry’s for an entity that names no cluster', async () => {
      const items = await workloads('llama-anywhere', fleet.as.deployer);
      const byCluster = new Map(items.map(i => [i.cluster.name, i]));
      expect(podNames(byCluster.get('app-config-sim'))).toEqual([
        'llama-from-app-config',
      ]);
      expect(podNames(byCluster.get('shadowed'))).toEqual([
        'llama-from-app-config',
      ]);
      expect(podNames(byCluster.get('eks-p5'))).toEqual(
        runningPods()
          .map(pod => pod.metadata.name)
          .sort(),
      );
      // Not a workspace on that cluster: its refusal, under its own name.
      expect(byCluster.get('lambda-h200')?.errors[0]).toMatchObject({
        statusCode: 403,
      });
    });

    it('serves a pod’s logs and events through the Kubernetes proxy, as the caller', async () => {
      const pod = runningPods()[0];
      const podName = pod.metadata.name!;
      const container = (pod.spec as any).containers[0].name;
      fleet.sim.appendPodLog(
        WORKSPACE,
        podName,
        container,
        'INFO: model weights loaded',
      );
      const logPath = `/proxy/api/v1/namespaces/${WORKSPACE}/pods/${podName}/log?container=${container}`;
      const headers = { 'Backstage-Kubernetes-Cluster': 'eks-p5' };

      const logs = await kubernetes(logPath, fleet.as.viewer, { headers });
      expect(logs.status).toBe(200);
      expect(await logs.text()).toContain('INFO: model weights loaded');

      const events = await kubernetes(
        `/proxy/api/v1/namespaces/${WORKSPACE}/events?fieldSelector=involvedObject.name=${podName}`,
        fleet.as.viewer,
        { headers },
      );
      expect(events.status).toBe(200);
      const { items } = await events.json();
      expect(items.length).toBeGreaterThan(0);
      for (const event of items) {
        expect(event.involvedObject.name).toBe(podName);
      }

      const refused = await kubernetes(logPath, fleet.as.nobody, { headers });
      expect(refused.status).toBe(403);
      expect(await refused.json()).toMatchObject({
        kind: 'Status',
        reason: 'Forbidden',
      });
    });

    it('shows a disconnected cluster as that cluster’s own error', async () => {
      expect(await workloads('lambda-llama', fleet.as.deployer)).toEqual([]);
      lambda.agent.stop();
      let items: ClusterObjects[] = [];
      await until('the cluster to be unreachable', async () => {
        items = await workloads('lambda-llama', fleet.as.deployer);
        return items.length > 0;
      });
      expect(items).toHaveLength(1);
      expect(items[0].cluster.name).toBe('lambda-h200');
      expect(items[0].resources).toEqual([]);
      expect(items[0].errors.length).toBe(OBJECT_TYPES.length);
      for (const error of items[0].errors) {
        expect(error).toMatchObject({ statusCode: 503 });
      }
      // The other clusters still answer.
      expect(
        podNames((await workloads('llama', fleet.as.deployer))[0]),
      ).toHaveLength(2);
    });
  },
);
