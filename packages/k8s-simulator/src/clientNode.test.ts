import {
  ApiException,
  CoreV1Api,
  KubeConfig,
  KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
  V1Pod,
  Watch,
} from '@kubernetes/client-node';
import { kubeconfigYaml } from './kubeconfig';
import { RunningSimulator, startSimulator } from './startSimulator';

describe('@kubernetes/client-node against the simulator', () => {
  let sim: RunningSimulator;
  let kc: KubeConfig;

  beforeEach(async () => {
    // API semantics only: no scheduler or kubelet adds events to the watches.
    sim = await startSimulator({
      port: 0,
      scenario: `${__dirname}/../scenarios/lambda-h200.yaml`,
      controllers: false,
    });
    kc = new KubeConfig();
    kc.loadFromString(kubeconfigYaml(sim.url, 'lambda-h200'));
  });

  afterEach(async () => {
    await sim.close();
  });

  const pod = (name: string): V1Pod => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: 'client-node' } },
    spec: { containers: [{ name: 'main', image: 'busybox' }] },
  });

  it('lists, reads and creates through CoreV1Api', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const nodes = await core.listNode({
      labelSelector: 'nvidia.com/gpu.product=NVIDIA-H200',
    });
    expect(nodes.items.map(n => n.metadata?.name)).toEqual([
      'h200-node-0',
      'h200-node-1',
    ]);
    expect(nodes.items[0].status?.allocatable?.['nvidia.com/gpu']).toBe('8');
    expect(nodes.items[0].spec?.taints?.[0]).toMatchObject({
      key: 'nvidia.com/gpu',
      effect: 'NoSchedule',
    });

    const created = await core.createNamespacedPod({
      namespace: 'research',
      body: pod('probe'),
    });
    expect(created.metadata?.uid).toBeDefined();
    expect(created.metadata?.creationTimestamp).toBeInstanceOf(Date);

    const read = await core.readNamespacedPod({
      name: 'probe',
      namespace: 'research',
    });
    expect(read.spec?.containers[0].image).toBe('busybox');
    const listed = await core.listNamespacedPod({
      namespace: 'research',
      labelSelector: 'app=client-node',
    });
    expect(listed.items.map(p => p.metadata?.name)).toEqual(['probe']);

    const missing = core.readNamespacedPod({
      name: 'ghost',
      namespace: 'research',
    });
    const error: ApiException<string> = await missing.catch(e => e);
    expect(error).toBeInstanceOf(ApiException);
    expect(error.code).toBe(404);
    expect(JSON.parse(error.body)).toMatchObject({
      kind: 'Status',
      reason: 'NotFound',
      message: 'pods "ghost" not found',
    });
  });

  it('receives ADDED, MODIFIED and DELETED through Watch, resuming from a resourceVersion', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const list = await core.listNamespacedPod({ namespace: 'research' });
    const events: Array<[string, string, string]> = [];
    let resolveDeleted: () => void;
    const deleted = new Promise<void>(r => {
      resolveDeleted = r;
    });
    const controller = await new Watch(kc).watch(
      '/api/v1/namespaces/research/pods',
      {
        resourceVersion: list.metadata?.resourceVersion,
        allowWatchBookmarks: true,
      },
      (type, obj: V1Pod) => {
        events.push([
          type,
          obj.metadata!.name!,
          obj.metadata!.resourceVersion!,
        ]);
        if (type === 'DELETED') resolveDeleted();
      },
      () => {},
    );
    try {
      await core.createNamespacedPod({
        namespace: 'research',
        body: pod('watched'),
      });
      // client-node sends JSON patch (application/json-patch+json) by default.
      await core.patchNamespacedPod({
        name: 'watched',
        namespace: 'research',
        body: [{ op: 'add', path: '/metadata/labels/phase', value: 'two' }],
      });
      await core.deleteNamespacedPod({
        name: 'watched',
        namespace: 'research',
      });
      await deleted;
    } finally {
      controller.abort();
    }
    expect(events.map(([type, name]) => `${type} ${name}`)).toEqual([
      'ADDED watched',
      'MODIFIED watched',
      'DELETED watched',
    ]);
    const versions = events.map(([, , rv]) => Number(rv));
    expect(versions[0]).toBeGreaterThan(Number(list.metadata?.resourceVersion));
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
  });

  it('server-side applies through KubernetesObjectApi and reports conflicts', async () => {
    const client = KubernetesObjectApi.makeApiClient(kc);
    const config: KubernetesObject & { data: Record<string, string> } = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'fleet-settings', namespace: 'research' },
      data: { maxGpus: '16' },
    };
    const applied = await client.patch(
      config,
      undefined,
      undefined,
      'gpu-fleet',
      false,
      PatchStrategy.ServerSideApply,
    );
    expect((applied as typeof config).data).toEqual({ maxGpus: '16' });
    expect(applied.metadata?.managedFields?.[0]).toMatchObject({
      manager: 'gpu-fleet',
      operation: 'Apply',
    });

    const rival = { ...config, data: { maxGpus: '8' } };
    const conflict = client.patch(
      rival,
      undefined,
      undefined,
      'someone-else',
      false,
      PatchStrategy.ServerSideApply,
    );
    await expect(conflict).rejects.toMatchObject({ code: 409 });

    const forced = await client.patch(
      rival,
      undefined,
      undefined,
      'someone-else',
      true,
      PatchStrategy.ServerSideApply,
    );
    expect((forced as typeof config).data).toEqual({ maxGpus: '8' });
    const read = await client.read<typeof config>({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'fleet-settings', namespace: 'research' },
    });
    expect(read.metadata?.managedFields?.map(m => m.manager)).toEqual([
      'someone-else',
    ]);
  });
});
