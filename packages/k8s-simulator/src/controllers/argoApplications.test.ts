import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { ADDON_CRDS } from '../addonCrds';
import {
  ControllerCluster,
  cpuPool,
  eventually,
  startControllerCluster,
  testScenario,
} from '../__testUtils__/controllerCluster';
import { serveGitOverHttp, TestRepo } from '../__testUtils__/gitRepos';
import { KubeObject } from '../kubeObject';

jest.setTimeout(60_000);

const APP = 'argoproj.io/v1alpha1';
const TRACKING_ID = 'argocd.argoproj.io/tracking-id';
const FINALIZER = 'resources-finalizer.argocd.argoproj.io';
const FOLDER = 'sim/ml/chat';
const labels = { 'gpu-fleet.io/deployment': 'chat' };

const service = (): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'chat', namespace: 'ml', labels },
  spec: { selector: labels, ports: [{ name: 'http', port: 8000 }] },
});

const deployment = (image: string): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'chat', namespace: 'ml', labels },
  spec: {
    replicas: 1,
    selector: { matchLabels: labels },
    template: {
      metadata: { labels },
      spec: {
        containers: [
          {
            name: 'vllm',
            image,
            resources: { requests: { cpu: '1', memory: '1Gi' } },
          },
        ],
      },
    },
  },
});

/** No namespace: it goes to the Application's destination. */
const settings = (): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'chat-settings', labels },
  data: { 'max-model-len': '8192' },
});

const yaml = (...objects: KubeObject[]) =>
  objects.map(o => YAML.stringify(o)).join('---\n');

/** The folder as GPU Fleet commits it, with files Argo CD must not read. */
const chatFiles = (image: string) => ({
  [`${FOLDER}/01-service-chat.yaml`]: yaml(service()),
  [`${FOLDER}/02-deployment-chat.yaml`]: yaml(deployment(image)),
  // Two documents, one empty.
  [`${FOLDER}/03-settings.yml`]: `${yaml(settings())}---\n# nothing here\n`,
  [`${FOLDER}/README.md`]: '# not a manifest\n',
  [`${FOLDER}/nested/04-extra.yaml`]: yaml({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'nested' },
  }),
});

function application(
  source: { repoURL: string; targetRevision: string; path: string },
  options: { prune?: boolean; finalizer?: boolean; namespace?: string } = {},
): KubeObject {
  return {
    apiVersion: APP,
    kind: 'Application',
    metadata: {
      name: 'ml.chat',
      namespace: options.namespace ?? 'argocd',
      ...(options.finalizer === false ? {} : { finalizers: [FINALIZER] }),
    },
    spec: {
      project: 'default',
      source,
      destination: {
        server: 'https://kubernetes.default.svc',
        namespace: 'ml',
      },
      syncPolicy: {
        automated: { prune: options.prune ?? true, selfHeal: true },
        syncOptions: ['ServerSideApply=true'],
      },
    },
  };
}

describe('Argo CD Applications', () => {
  let cluster: ControllerCluster;
  let dir: string;
  let repo: TestRepo;

  const start = async (argoCd = {}) => {
    cluster = await startControllerCluster(
      testScenario([cpuPool('cpu', 2)], { addons: ['argocd'] }),
      { argoCd: { retryInitialMs: 50, retryMaxMs: 400, ...argoCd } },
    );
  };
  const find = (
    apiVersion: string,
    kind: string,
    name: string,
    namespace = 'ml',
  ): KubeObject | undefined => {
    try {
      return cluster.sim.store.getObject(apiVersion, kind, name, namespace);
    } catch {
      return undefined;
    }
  };
  const app = (namespace = 'argocd') =>
    find(APP, 'Application', 'ml.chat', namespace) as any;
  const deploy = (source: Parameters<typeof application>[0], options = {}) =>
    cluster.apply(application(source, options) as any);
  const synced = (revision: string) =>
    eventually(() => {
      expect(app().status).toMatchObject({
        sync: { status: 'Synced', revision },
        health: { status: 'Healthy' },
        operationState: {
          phase: 'Succeeded',
          message: 'successfully synced (all tasks run)',
        },
      });
      return app();
    });
  const image = () =>
    (find('apps/v1', 'Deployment', 'chat') as any)?.spec.template.spec
      .containers[0].image;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-simulator-argo-'));
    repo = new TestRepo(path.join(dir, 'fleet'));
  });

  afterEach(async () => {
    await cluster?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('applies the folder at the commit server-side into the destination namespace, tracked, and reports Synced and Healthy', async () => {
    await start();
    const sha = repo.commit(chatFiles('vllm/vllm-openai:v1'));
    // The controller runs Applications in argocd only.
    await deploy(
      { repoURL: repo.dir, targetRevision: sha, path: FOLDER },
      { namespace: 'ml' },
    );
    await deploy({ repoURL: repo.dir, targetRevision: sha, path: FOLDER });

    const done = await synced(sha);
    expect(done.status.resources).toEqual([
      {
        version: 'v1',
        kind: 'Service',
        namespace: 'ml',
        name: 'chat',
        status: 'Synced',
      },
      {
        group: 'apps',
        version: 'v1',
        kind: 'Deployment',
        namespace: 'ml',
        name: 'chat',
        status: 'Synced',
        health: { status: 'Healthy' },
      },
      {
        version: 'v1',
        kind: 'ConfigMap',
        namespace: 'ml',
        name: 'chat-settings',
        status: 'Synced',
      },
    ]);
    expect(done.status.sync.comparedTo.source).toEqual({
      repoURL: repo.dir,
      targetRevision: sha,
      path: FOLDER,
    });
    expect(done.status.operationState.syncResult).toMatchObject({
      revision: sha,
      resources: [
        {
          kind: 'Service',
          status: 'Synced',
          message: 'service/chat serverside-applied',
        },
        {
          kind: 'Deployment',
          status: 'Synced',
          message: 'deployment.apps/chat serverside-applied',
        },
        { kind: 'ConfigMap', status: 'Synced' },
      ],
    });

    const live = find('apps/v1', 'Deployment', 'chat')!;
    expect(live.spec).toMatchObject(
      deployment('vllm/vllm-openai:v1').spec as {},
    );
    expect(live.metadata.labels).toEqual(labels);
    expect(live.metadata.annotations![TRACKING_ID]).toBe(
      'ml.chat:apps/Deployment:ml/chat',
    );
    expect(live.metadata.managedFields).toContainEqual(
      expect.objectContaining({
        manager: 'argocd-controller',
        operation: 'Apply',
      }),
    );
    expect(find('v1', 'ConfigMap', 'chat-settings')!.data).toEqual({
      'max-model-len': '8192',
    });
    // Only the folder's own manifest files.
    expect(find('v1', 'ConfigMap', 'nested')).toBeUndefined();
    expect(app('ml').status).toBeUndefined();
    // The ReplicaSet the Deployment controller made is not the Application's.
    expect(
      cluster.sim.store
        .listObjects('apps/v1', 'ReplicaSet', 'ml')
        .map(rs => rs.metadata.annotations?.[TRACKING_ID]),
    ).toEqual([undefined]);
    // Settled: nothing more is written until something changes.
    const version = app().metadata.resourceVersion;
    await new Promise(resolve => setTimeout(resolve, 300));
    expect(app().metadata.resourceVersion).toBe(version);
    const events = cluster.sim.store
      .listObjects('v1', 'Event', 'argocd')
      .map(e => `${e.reason}: ${e.message}`);
    expect(events).toEqual([
      `OperationStarted: Initiated automated sync to '${sha}'`,
      `OperationCompleted: Sync operation to ${sha} succeeded`,
    ]);
  });

  it('moves to a new commit: changes what changed in place and prunes what the commit no longer holds', async () => {
    await start();
    const first = repo.commit(chatFiles('vllm/vllm-openai:v1'));
    await deploy({ repoURL: repo.dir, targetRevision: first, path: FOLDER });
    await synced(first);
    const serviceUid = find('v1', 'Service', 'chat')!.metadata.uid;
    cluster.sim.store.createObject({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'someone-elses', namespace: 'ml' },
    });

    const second = repo.commit({
      [`${FOLDER}/02-deployment-chat.yaml`]: yaml(
        deployment('vllm/vllm-openai:v2'),
      ),
      [`${FOLDER}/03-settings.yml`]: null,
    });
    await deploy({ repoURL: repo.dir, targetRevision: second, path: FOLDER });

    const done = await synced(second);
    expect(image()).toBe('vllm/vllm-openai:v2');
    expect(find('v1', 'ConfigMap', 'chat-settings')).toBeUndefined();
    expect(find('v1', 'ConfigMap', 'someone-elses')).toBeDefined();
    expect(find('v1', 'Service', 'chat')!.metadata.uid).toBe(serviceUid);
    expect(done.status.operationState.syncResult.resources).toContainEqual(
      expect.objectContaining({
        kind: 'ConfigMap',
        name: 'chat-settings',
        status: 'Pruned',
      }),
    );
    expect(done.status.resources.map((r: any) => r.kind)).toEqual([
      'Service',
      'Deployment',
    ]);
  });

  it('without automated prune keeps a removed object and reports it OutOfSync, requiring pruning', async () => {
    await start();
    const first = repo.commit(chatFiles('vllm/vllm-openai:v1'));
    await deploy(
      { repoURL: repo.dir, targetRevision: first, path: FOLDER },
      { prune: false },
    );
    await synced(first);
    const second = repo.commit({ [`${FOLDER}/03-settings.yml`]: null });
    await deploy(
      { repoURL: repo.dir, targetRevision: second, path: FOLDER },
      { prune: false },
    );
    const done = await eventually(() => {
      expect(app().status.sync).toMatchObject({
        status: 'OutOfSync',
        revision: second,
      });
      return app();
    });
    expect(done.status.resources).toContainEqual({
      version: 'v1',
      kind: 'ConfigMap',
      namespace: 'ml',
      name: 'chat-settings',
      status: 'OutOfSync',
      requiresPruning: true,
    });
    expect(find('v1', 'ConfigMap', 'chat-settings')).toBeDefined();
  });

  it('deletes everything it applied before the Application goes, when the resources finalizer is set', async () => {
    await start();
    const sha = repo.commit(chatFiles('vllm/vllm-openai:v1'));
    await deploy({ repoURL: repo.dir, targetRevision: sha, path: FOLDER });
    await synced(sha);
    await eventually(() =>
      expect(cluster.sim.store.listObjects('v1', 'Pod', 'ml')).toHaveLength(1),
    );

    await cluster.objects.delete(application({} as any) as any);
    await eventually(() => {
      expect(app()).toBeUndefined();
      expect(find('apps/v1', 'Deployment', 'chat')).toBeUndefined();
      expect(find('v1', 'Service', 'chat')).toBeUndefined();
      expect(find('v1', 'ConfigMap', 'chat-settings')).toBeUndefined();
      // The garbage collector takes the pods with their ReplicaSet.
      expect(cluster.sim.store.listObjects('v1', 'Pod', 'ml')).toEqual([]);
    });
  });

  it('leaves what it applied in place when the Application goes without the finalizer', async () => {
    await start();
    const sha = repo.commit(chatFiles('vllm/vllm-openai:v1'));
    await deploy(
      { repoURL: repo.dir, targetRevision: sha, path: FOLDER },
      { finalizer: false },
    );
    await synced(sha);
    cluster.sim.store.deleteObject(APP, 'Application', 'ml.chat', 'argocd');
    expect(app()).toBeUndefined();
    await new Promise(resolve => setTimeout(resolve, 200));
    expect(find('apps/v1', 'Deployment', 'chat')).toBeDefined();
    expect(find('v1', 'Service', 'chat')).toBeDefined();
  });

  it('reports a repository it cannot reach as Failed, tries again with backoff, and syncs once it is there', async () => {
    await start();
    const later = new TestRepo(path.join(dir, 'later'));
    const sha = later.commit(chatFiles('vllm/vllm-openai:v1'));
    const served = path.join(dir, 'served');
    await deploy({
      repoURL: `file://${served}`,
      targetRevision: sha,
      path: FOLDER,
    });
    const failed = await eventually(() => {
      expect(app().status.operationState.phase).toBe('Failed');
      expect(app().status.operationState.retryCount).toBeGreaterThanOrEqual(2);
      return app();
    });
    expect(failed.status.operationState.message).toMatch(
      new RegExp(
        `^Failed to load target state: failed to fetch file://${served}: `,
      ),
    );
    expect(failed.status.sync.status).toBe('Unknown');
    expect(failed.status.conditions).toEqual([
      expect.objectContaining({
        type: 'ComparisonError',
        message: failed.status.operationState.message,
      }),
    ]);

    fs.renameSync(later.dir, served);
    const done = await synced(sha);
    expect(done.status.conditions).toBeUndefined();
    expect(image()).toBe('vllm/vllm-openai:v1');
  });

  it('fails on bad YAML and on a path the commit does not have, naming them, and recovers at a good commit', async () => {
    await start();
    const bad = repo.commit({
      'apps/chat/01-broken.yaml':
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: [oops\n',
    });
    await deploy({ repoURL: repo.dir, targetRevision: bad, path: 'apps/chat' });
    await eventually(() =>
      expect(app().status.operationState).toMatchObject({
        phase: 'Failed',
        message: expect.stringMatching(
          /^Failed to load target state: failed to unmarshal apps\/chat\/01-broken\.yaml: /,
        ),
      }),
    );

    await deploy({
      repoURL: repo.dir,
      targetRevision: bad,
      path: 'apps/missing',
    });
    await eventually(() =>
      expect(app().status.operationState).toMatchObject({
        phase: 'Failed',
        message:
          'Failed to load target state: apps/missing: app path does not exist',
      }),
    );

    const good = repo.commit({
      'apps/chat/01-broken.yaml': null,
      'apps/chat/01-service-chat.yaml': yaml(service()),
    });
    await deploy({
      repoURL: repo.dir,
      targetRevision: good,
      path: 'apps/chat',
    });
    await synced(good);
    expect(find('v1', 'Service', 'chat')).toBeDefined();
  });

  it('retries a sync the cluster refuses, and succeeds once the cluster serves the kind', async () => {
    await start();
    const queue = {
      apiVersion: 'kueue.x-k8s.io/v1beta1',
      kind: 'LocalQueue',
      metadata: { name: 'chat' },
      spec: { clusterQueue: 'gpus' },
    };
    const sha = repo.commit({
      [`${FOLDER}/01-service-chat.yaml`]: yaml(service()),
      [`${FOLDER}/02-queue.yaml`]: yaml(queue as KubeObject),
    });
    await deploy({ repoURL: repo.dir, targetRevision: sha, path: FOLDER });
    await eventually(() => {
      expect(app().status).toMatchObject({
        sync: { status: 'OutOfSync', revision: sha },
        operationState: {
          phase: 'Failed',
          message:
            'one or more objects failed to apply, reason: The Kubernetes API could not find kueue.x-k8s.io/LocalQueue for requested resource ml/chat. Make sure the "LocalQueue" CRD is installed on the destination cluster.',
        },
      });
      expect(app().status.operationState.retryCount).toBeGreaterThanOrEqual(1);
    });
    // What could be applied was.
    expect(find('v1', 'Service', 'chat')).toBeDefined();

    for (const crd of ADDON_CRDS.kueue) cluster.sim.store.createObject(crd);
    await synced(sha);
    expect(find('kueue.x-k8s.io/v1beta1', 'LocalQueue', 'chat')).toBeDefined();
  });

  it('heals drift: puts back a deleted object and an edited field', async () => {
    await start({ selfHealTimeoutMs: 50 });
    const sha = repo.commit(chatFiles('vllm/vllm-openai:v1'));
    await deploy({ repoURL: repo.dir, targetRevision: sha, path: FOLDER });
    await synced(sha);
    const before = find('v1', 'Service', 'chat')!.metadata.uid;

    cluster.sim.store.deleteObject('v1', 'Service', 'chat', 'ml');
    cluster.sim.store.patchObject(
      'apps/v1',
      'Deployment',
      'chat',
      'ml',
      {
        spec: {
          template: {
            spec: {
              containers: [{ name: 'vllm', image: 'someone/else:latest' }],
            },
          },
        },
      },
      { fieldManager: 'kubectl-edit' },
    );
    await eventually(() => {
      expect(find('v1', 'Service', 'chat')?.metadata.uid).not.toBe(before);
      expect(find('v1', 'Service', 'chat')).toBeDefined();
      expect(image()).toBe('vllm/vllm-openai:v1');
      expect(app().status.sync.status).toBe('Synced');
    });
  });

  it('follows a branch served over HTTP by git http-backend, taking a new commit when it polls', async () => {
    await start({ pollIntervalMs: 300 });
    const http = await serveGitOverHttp(dir);
    try {
      const first = repo.commit(chatFiles('vllm/vllm-openai:v1'));
      await deploy({
        repoURL: `${http.url}/fleet`,
        targetRevision: 'main',
        path: FOLDER,
      });
      await synced(first);

      const second = repo.commit({
        [`${FOLDER}/02-deployment-chat.yaml`]: yaml(
          deployment('vllm/vllm-openai:v2'),
        ),
      });
      await synced(second);
      expect(image()).toBe('vllm/vllm-openai:v2');
    } finally {
      await http.close();
    }
  });

  it('fetches a branch again at once on the refresh annotation, and takes the annotation away', async () => {
    await start();
    const first = repo.commit(chatFiles('vllm/vllm-openai:v1'));
    await deploy({ repoURL: repo.dir, targetRevision: 'main', path: FOLDER });
    await synced(first);
    const second = repo.commit({
      [`${FOLDER}/02-deployment-chat.yaml`]: yaml(
        deployment('vllm/vllm-openai:v2'),
      ),
    });
    // Nothing looks again for three minutes unless asked.
    await new Promise(resolve => setTimeout(resolve, 300));
    expect(app().status.sync.revision).toBe(first);

    cluster.sim.store.patchObject(APP, 'Application', 'ml.chat', 'argocd', {
      metadata: { annotations: { 'argocd.argoproj.io/refresh': 'normal' } },
    });
    const done = await synced(second);
    expect(done.metadata.annotations ?? {}).toEqual({});
    expect(image()).toBe('vllm/vllm-openai:v2');
  });
});
