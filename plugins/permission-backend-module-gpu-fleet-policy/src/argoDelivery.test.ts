import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import YAML from 'yaml';
import { PEOPLE, startPolicyFleet } from './__testUtils__/startPolicyFleet';

jest.setTimeout(180_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const CLUSTER = 'argocd-h100';
const WORKSPACE = 'ml-argo';
const FOLDER = `${CLUSTER}/${WORKSPACE}/llama`;
const APPLICATION = `${WORKSPACE}.llama`;
const ARGO_APP = 'argoproj.io/v1alpha1';
const REQUEST_RATE = {
  serverAddress: 'http://prometheus.monitoring:9090',
  query: 'sum(rate(vllm:request_success_total[1m]))',
  targetPerReplica: 5,
};

function vllm(overrides: Record<string, unknown> = {}) {
  return {
    kind: 'Service',
    template: 'vllm',
    name: 'llama',
    workspace: WORKSPACE,
    image: 'vllm/vllm-openai:v0.6.4',
    model: 'meta-llama/Llama-3.1-8B-Instruct',
    resources: { gpu: { type: 'H100', count: 1 }, cpu: '8', memory: '64Gi' },
    replicas: { min: 1, max: 2 },
    autoscaling: { requestRate: REQUEST_RATE },
    ...overrides,
  };
}

/** Reads the GitOps repository itself: its branch's commits and a commit's files. */
function gitops(url: string) {
  const git = (...args: string[]) =>
    execFileSync('git', ['--git-dir', url, ...args]).toString();
  return {
    log: () => git('log', 'main', '--format=%H').trim().split('\n'),
    /** File names in the folder at the commit (none when it has no such folder). */
    files: (commit: string, folder: string) =>
      git('ls-tree', '-r', '--name-only', commit)
        .trim()
        .split('\n')
        .filter(file => file.startsWith(`${folder}/`))
        .map(file => file.slice(folder.length + 1)),
    read: (commit: string, file: string) =>
      YAML.parse(git('show', `${commit}:${file}`)),
  };
}

const eventually = async <T>(
  assertion: () => Promise<T> | T,
  timeoutMs = 20_000,
): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await assertion();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise(resolve => setTimeout(resolve, 50));
    }
  }
};

describe.each(databases.eachSupportedId())(
  'delivery through Argo CD on %s',
  (databaseId: TestDatabaseId) => {
    let fleet: Awaited<ReturnType<typeof startPolicyFleet>>;
    let argo: Awaited<ReturnType<typeof fleet.attachCluster>>;
    let dir: string;
    let gitUrl: string;

    beforeAll(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gpu-fleet-argo-'));
      gitUrl = path.join(dir, 'gitops.git');
      fleet = await startPolicyFleet(await databases.init(databaseId), dir, {
        gpuFleet: {
          gitops: {
            url: gitUrl,
            workingDirectory: path.join(dir, 'gitops-clone'),
          },
        },
      });
      argo = await fleet.attachCluster(CLUSTER, 'generic', CLUSTER, {
        inventory: true,
        status: true,
      });
      // The cluster's add-ons as the platform engineer records them: Argo CD among them.
      const patched = await fleet.call(
        'PATCH',
        `/clusters/${CLUSTER}`,
        fleet.as.fleetAdmin,
        { addons: argo.sim.scenario!.addons },
      );
      if (patched.status !== 200) throw new Error(await patched.text());
      const res = await fleet.call('POST', '/workspaces', fleet.as.fleetAdmin, {
        name: WORKSPACE,
        cluster: CLUSTER,
        gpuQuota: [{ gpuType: 'H100', count: 16 }],
        members: [
          { ref: 'group:default/ml-research', role: 'deployer' },
          { ref: PEOPLE.viewer.ref, role: 'viewer' },
        ],
      });
      if (res.status !== 201) throw new Error(await res.text());
      // Deployments need the cluster's GPU inventory.
      for (let i = 0; i < 200; i++) {
        const inventory = await fleet.call(
          'GET',
          `/clusters/${CLUSTER}/inventory`,
          fleet.as.fleetAdmin,
        );
        if ((await inventory.json()).nodes?.length) break;
        await new Promise(r => setTimeout(r, 100));
      }
    });

    afterAll(async () => {
      await fleet?.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    const onCluster = (
      apiVersion: string,
      kind: string,
      name: string,
      namespace = WORKSPACE,
    ): any => {
      try {
        return argo.sim.store.getObject(apiVersion, kind, name, namespace);
      } catch {
        return undefined;
      }
    };
    const application = () =>
      onCluster(ARGO_APP, 'Application', APPLICATION, 'argocd');
    const managers = (obj: any) =>
      obj.metadata.managedFields.map((f: any) => f.manager);
    const view = async () =>
      (
        await fleet.call(
          'GET',
          `/workspaces/${WORKSPACE}/deployments/llama`,
          fleet.as.viewer,
        )
      ).json();
    /** Argo CD has synced the commit, and the objects it applied are healthy. */
    const syncedAt = (commit: string) =>
      eventually(() => {
        expect(application().status).toMatchObject({
          sync: { status: 'Synced', revision: commit },
          health: { status: 'Healthy' },
          operationState: { phase: 'Succeeded' },
        });
        return application();
      });

    it('commits a deployer’s vLLM service and applies an Application at that commit, from which Argo CD applies exactly what the commit holds', async () => {
      const res = await fleet.call(
        'POST',
        '/deployments',
        fleet.as.deployer,
        vllm(),
      );
      const body = await res.json();
      expect(res.status).toBe(201);
      expect(body).toMatchObject({
        cluster: CLUSTER,
        namespace: WORKSPACE,
        revision: 1,
        appliedRevision: 1,
        delivery: { state: 'applied', error: null },
      });
      const repo = gitops(gitUrl);
      const [commit] = repo.log();
      expect(body.appliedCommit).toBe(commit);
      const files = repo.files(commit, FOLDER);
      const committed = files.map(file =>
        repo.read(commit, `${FOLDER}/${file}`),
      );
      expect(committed.map(o => o.kind).sort()).toEqual([
        'Deployment',
        'ScaledObject',
        'Service',
      ]);

      // GPU Fleet applied the Application, pointing at the commit; nothing else.
      const app = application();
      expect(app.spec).toMatchObject({
        source: { repoURL: gitUrl, targetRevision: commit, path: FOLDER },
        destination: {
          server: 'https://kubernetes.default.svc',
          namespace: WORKSPACE,
        },
        syncPolicy: { automated: { prune: true, selfHeal: true } },
      });
      expect(app.metadata.finalizers).toEqual([
        'resources-finalizer.argocd.argoproj.io',
      ]);
      expect(managers(app)).toContain('gpu-fleet');

      // Argo CD applied the folder: each object exactly as committed.
      const done = await syncedAt(commit);
      // In the order of the commit's files.
      expect(done.status.resources.map((r: any) => r.kind)).toEqual(
        committed.map(o => o.kind),
      );
      for (const object of committed) {
        const { apiVersion, kind, metadata } = object;
        const live = onCluster(apiVersion, kind, metadata.name);
        expect({ kind, spec: live.spec }).toMatchObject({
          kind,
          spec: object.spec,
        });
        expect(live.metadata.labels).toEqual(metadata.labels);
        expect(live.metadata.namespace).toBe(metadata.namespace);
        expect(managers(live)).toContain('argocd-controller');
        expect(managers(live)).not.toContain('gpu-fleet');
      }

      // The agent reports the objects Argo CD made: the deployment runs.
      await eventually(async () =>
        expect(await view()).toMatchObject({
          appliedCommit: commit,
          status: { phase: 'Running' },
        }),
      );
    });

    it('an update moves the Application to the new commit, and Argo CD changes the Deployment and prunes the ScaledObject', async () => {
      // A viewer may not change it: the Application stays where it was.
      const before = application().spec.source.targetRevision;
      const refused = await fleet.call(
        'PUT',
        `/workspaces/${WORKSPACE}/deployments/llama`,
        fleet.as.viewer,
        vllm({ image: 'evil/image:1' }),
      );
      expect(refused.status).toBe(403);
      expect(application().spec.source.targetRevision).toBe(before);

      const res = await fleet.call(
        'PUT',
        `/workspaces/${WORKSPACE}/deployments/llama`,
        fleet.as.deployer,
        vllm({ autoscaling: undefined, replicas: { min: 2, max: 2 } }),
      );
      const body = await res.json();
      expect(res.status).toBe(200);
      expect(body).toMatchObject({
        revision: 2,
        appliedRevision: 2,
        delivery: { state: 'applied' },
      });
      const repo = gitops(gitUrl);
      const [commit] = repo.log();
      expect(body.appliedCommit).toBe(commit);
      expect(commit).not.toBe(before);
      const files = repo.files(commit, FOLDER);
      const kinds = files.map(f => repo.read(commit, `${FOLDER}/${f}`).kind);
      expect(kinds.sort()).toEqual(['Deployment', 'Service']);
      expect(application().spec.source.targetRevision).toBe(commit);

      const done = await syncedAt(commit);
      expect(
        onCluster('keda.sh/v1alpha1', 'ScaledObject', 'llama'),
      ).toBeUndefined();
      expect(done.status.operationState.syncResult.resources).toContainEqual(
        expect.objectContaining({
          kind: 'ScaledObject',
          name: 'llama',
          status: 'Pruned',
        }),
      );
      const committed = repo.read(
        commit,
        `${FOLDER}/${files.find(f => f.includes('-deployment-'))}`,
      );
      expect(committed.spec.replicas).toBe(2);
      expect(onCluster('apps/v1', 'Deployment', 'llama').spec).toMatchObject(
        committed.spec,
      );
      await eventually(async () =>
        expect(await view()).toMatchObject({
          appliedCommit: commit,
          status: { phase: 'Running' },
        }),
      );
    });

    it('deleting removes the Application, and Argo CD removes what it applied before the Application goes', async () => {
      const res = await fleet.call(
        'DELETE',
        `/workspaces/${WORKSPACE}/deployments/llama`,
        fleet.as.deployer,
      );
      expect(res.status).toBe(204);
      await eventually(() => {
        expect(application()).toBeUndefined();
        expect(onCluster('apps/v1', 'Deployment', 'llama')).toBeUndefined();
        expect(onCluster('v1', 'Service', 'llama')).toBeUndefined();
        expect(argo.sim.store.listObjects('v1', 'Pod', WORKSPACE)).toEqual([]);
      });
      const repo = gitops(gitUrl);
      expect(repo.files(repo.log()[0], `${CLUSTER}/${WORKSPACE}`)).toEqual([]);
      const gone = await fleet.call(
        'GET',
        `/workspaces/${WORKSPACE}/deployments/llama`,
        fleet.as.deployer,
      );
      expect(gone.status).toBe(404);
    });
  },
);
