import { parseScenario } from './scenario';
import {
  ControllerCluster,
  eventually,
  gpuPool,
  startControllerCluster,
  testScenario,
} from './__testUtils__/controllerCluster';
import { request } from './testing/httpClient';

describe('add-on CRDs from a scenario', () => {
  let cluster: ControllerCluster;

  afterEach(async () => {
    await cluster?.close();
  });

  it('serves KEDA, Argo CD and Kueue resources for the add-ons a scenario declares, and nothing for others', async () => {
    cluster = await startControllerCluster(
      testScenario([gpuPool('gpu', 1, 8)], {
        addons: ['keda', 'argocd', 'kueue', 'cert-manager'],
      }),
    );
    const groups = (
      await request(cluster.sim.url, 'GET', '/apis')
    ).body.groups.map((g: { name: string }) => g.name);
    expect(groups).toEqual(
      expect.arrayContaining([
        'keda.sh',
        'argoproj.io',
        'kueue.x-k8s.io',
        'kubeflow.org',
      ]),
    );
    expect(groups).not.toContain('cert-manager.io');
    const kueue = (
      await request(cluster.sim.url, 'GET', '/apis/kueue.x-k8s.io/v1beta1')
    ).body.resources;
    expect(
      kueue
        .filter((r: { name: string }) => !r.name.includes('/'))
        .map((r: { name: string; namespaced: boolean }) => [
          r.name,
          r.namespaced,
        ])
        .sort(),
    ).toEqual([
      ['clusterqueues', false],
      ['localqueues', true],
      ['resourceflavors', false],
    ]);

    // A vLLM service as GPU Fleet renders it with autoscaling: no replicas of its own, and a ScaledObject.
    const labels = { 'gpu-fleet.io/deployment': 'chat' };
    await cluster.apply({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'chat', namespace: 'ml', labels },
      spec: {
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists' }],
            containers: [
              {
                name: 'vllm',
                image: 'vllm/vllm-openai:v0.8.5',
                resources: { limits: { 'nvidia.com/gpu': '1' } },
              },
            ],
          },
        },
      },
    } as any);
    const scaledObject = await cluster.apply({
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: { name: 'chat', namespace: 'ml', labels },
      spec: {
        scaleTargetRef: {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: 'chat',
        },
        minReplicaCount: 0,
        maxReplicaCount: 4,
        triggers: [
          {
            type: 'prometheus',
            metadata: {
              serverAddress: 'http://prometheus:9090',
              query: 'sum(rate(vllm:request_success_total[1m]))',
              threshold: '5',
            },
          },
        ],
      },
    } as any);
    expect(scaledObject.metadata!.uid).toBeDefined();
    const application = await cluster.apply({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'chat', namespace: 'ml' },
      spec: {
        project: 'default',
        source: {
          repoURL: 'https://git.example.com/fleet.git',
          path: 'ml/chat',
        },
        destination: {
          server: 'https://kubernetes.default.svc',
          namespace: 'ml',
        },
      },
    } as any);
    expect(application.metadata!.uid).toBeDefined();

    // No KEDA controller runs: the Deployment keeps its defaulted replica and runs it.
    await eventually(async () => {
      const deployment = await cluster.apps.readNamespacedDeployment({
        name: 'chat',
        namespace: 'ml',
      });
      expect(deployment.spec!.replicas).toBe(1);
      expect(deployment.status!.readyReplicas).toBe(1);
    });
  });

  it('refuses add-ons that are not a list of names', () => {
    expect(() =>
      parseScenario({ ...testScenario([]), addons: 'keda' }, 'bad.yaml'),
    ).toThrow(
      'Invalid scenario bad.yaml: addons must be a list of add-on names',
    );
  });
});
