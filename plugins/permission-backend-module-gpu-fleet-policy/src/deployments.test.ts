import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import YAML from 'yaml';
import { PEOPLE, startPolicyFleet } from './__testUtils__/startPolicyFleet';

jest.setTimeout(180_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const WORKSPACE = 'ml-inference';

function vllm(overrides: Record<string, unknown> = {}) {
  return {
    kind: 'Service',
    template: 'vllm',
    name: 'llama',
    workspace: WORKSPACE,
    image: 'vllm/vllm-openai:v0.6.4',
    model: 'meta-llama/Llama-3.1-8B-Instruct',
    resources: { gpu: { type: 'H100', count: 1 }, cpu: '8', memory: '64Gi' },
    replicas: { min: 1, max: 1 },
    ...overrides,
  };
}

/** The remote branch as a fresh clone sees it. */
function gitState(url: string) {
  const checkout = fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-check-'));
  try {
    execFileSync('git', ['clone', '-q', '--branch', 'main', url, checkout]);
    const run = (...args: string[]) =>
      execFileSync('git', args, { cwd: checkout }).toString();
    const files = run('ls-files').split('\n').filter(Boolean);
    const contents = new Map(
      files.map(f => [f, fs.readFileSync(path.join(checkout, f), 'utf8')]),
    );
    const read = (file: string) => contents.get(file) ?? '';
    return {
      files,
      read,
      log: run('log', '--format=%H|%an|%s').trim().split('\n'),
    };
  } finally {
    fs.rmSync(checkout, { recursive: true, force: true });
  }
}

describe.each(databases.eachSupportedId())(
  'deployments on %s',
  (databaseId: TestDatabaseId) => {
    let fleet: Awaited<ReturnType<typeof startPolicyFleet>>;
    let dir: string;
    let gitUrl: string;

    beforeAll(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gpu-fleet-deploy-'));
      gitUrl = path.join(dir, 'gitops.git');
      fleet = await startPolicyFleet(await databases.init(databaseId), dir, {
        inventory: true,
        gpuFleet: {
          gitops: {
            url: gitUrl,
            workingDirectory: path.join(dir, 'gitops-clone'),
          },
        },
      });
      const res = await fleet.call('POST', '/workspaces', fleet.as.fleetAdmin, {
        name: WORKSPACE,
        cluster: 'eks-p5',
        gpuQuota: [{ gpuType: 'H100', count: 16 }],
        members: [
          { ref: 'group:default/ml-research', role: 'deployer' },
          { ref: PEOPLE.viewer.ref, role: 'viewer' },
        ],
      });
      if (res.status !== 201) throw new Error(await res.text());
      // Deployments need the cluster's GPU inventory.
      for (let i = 0; i < 100; i++) {
        const inv = await fleet.call(
          'GET',
          '/clusters/eks-p5/inventory',
          fleet.as.fleetAdmin,
        );
        if ((await inv.json()).nodes?.length) break;
        await new Promise(r => setTimeout(r, 100));
      }
    });

    afterAll(async () => {
      await fleet?.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    const onCluster = (kind: string, apiVersion: string, name: string) => {
      try {
        return fleet.sim.store.getObject(apiVersion, kind, name, WORKSPACE);
      } catch {
        return undefined;
      }
    };

    it('commits a deployer’s vLLM service to Git and applies exactly the commit with server-side apply', async () => {
      const before = gitState(gitUrl).log.length;
      const res = await fleet.call(
        'POST',
        '/deployments',
        fleet.as.deployer,
        vllm(),
      );
      const body = await res.json();
      expect(res.status).toBe(201);
      expect(body).toMatchObject({
        workspace: WORKSPACE,
        name: 'llama',
        cluster: 'eks-p5',
        namespace: WORKSPACE,
        revision: 1,
        appliedRevision: 1,
        delivery: { state: 'applied', error: null },
        access: { update: true, delete: true },
        createdBy: PEOPLE.deployer.ref,
      });
      const git = gitState(gitUrl);
      expect(git.log).toHaveLength(before + 1);
      const [sha, author, subject] = git.log[0].split('|');
      expect(body.appliedCommit).toBe(sha);
      expect(author).toBe(PEOPLE.deployer.ref);
      expect(subject).toBe(
        `Create llama in ${WORKSPACE} (revision 1) by ${PEOPLE.deployer.ref}`,
      );
      const folder = `eks-p5/${WORKSPACE}/llama/`;
      const files = git.files.filter(f => f.startsWith(folder));
      expect(files).toEqual([
        `${folder}01-service-llama.yaml`,
        `${folder}02-deployment-llama.yaml`,
      ]);
      const committed = YAML.parse(git.read(files[1]));
      const applied = onCluster('Deployment', 'apps/v1', 'llama')!;
      expect(applied.spec).toMatchObject(committed.spec);
      expect(applied.metadata.labels).toEqual(committed.metadata.labels);
      expect(
        (applied.metadata as any).managedFields.map((f: any) => f.manager),
      ).toContain('gpu-fleet');
      expect(onCluster('Service', 'v1', 'llama')).toBeDefined();

      const revisions = await fleet.call(
        'GET',
        `/workspaces/${WORKSPACE}/deployments/llama/revisions`,
        fleet.as.viewer,
      );
      expect((await revisions.json()).items).toEqual([
        expect.objectContaining({ revision: 1, action: 'create', commit: sha }),
      ]);
    });

    it('refuses viewers, strangers, no token and a forged token, and writes nothing', async () => {
      const before = gitState(gitUrl).log.length;
      const manifest = vllm({ name: 'intruder' });
      for (const [who, authorization, status] of [
        ['viewer', fleet.as.viewer, 403],
        ['nobody', fleet.as.nobody, 403],
        ['no token', undefined, 401],
        ['forged', fleet.refused.forged, 401],
        ['expired', fleet.refused.expired, 401],
      ] as const) {
        const res = await fleet.call(
          'POST',
          '/deployments',
          authorization,
          manifest,
        );
        expect({ who, status: res.status }).toEqual({ who, status });
        const change = await fleet.call(
          'PUT',
          `/workspaces/${WORKSPACE}/deployments/llama`,
          authorization,
          vllm({ image: 'evil/image:1' }),
        );
        expect({ who, status: change.status }).toEqual({ who, status });
        const remove = await fleet.call(
          'DELETE',
          `/workspaces/${WORKSPACE}/deployments/llama`,
          authorization,
        );
        expect({ who, status: remove.status }).toEqual({ who, status });
      }
      expect(gitState(gitUrl).log).toHaveLength(before);
      expect(onCluster('Deployment', 'apps/v1', 'intruder')).toBeUndefined();
      const list = await fleet.call('GET', '/deployments', fleet.as.viewer);
      expect((await list.json()).items.map((d: any) => d.name)).toEqual([
        'llama',
      ]);
      // The viewer reads it but may not change it.
      const seen = await fleet.call(
        'GET',
        `/workspaces/${WORKSPACE}/deployments/llama`,
        fleet.as.viewer,
      );
      expect((await seen.json()).access).toEqual({
        update: false,
        delete: false,
      });
      const hidden = await fleet.call('GET', '/deployments', fleet.as.nobody);
      expect((await hidden.json()).items).toEqual([]);
    });

    it('answers bad manifests with a 400 naming the field, and writes nothing', async () => {
      const before = gitState(gitUrl).log.length;
      // A requirement the workspace cannot meet is a conflict, not a typo;
      // a workspace that does not exist is not found.
      const statusOf: Record<string, number> = {
        'mpi.rdma': 409,
        workspace: 404,
      };
      for (const [manifest, field] of [
        [vllm({ name: 'Not_A_Label' }), 'name'],
        [
          vllm({
            name: 'big',
            resources: {
              gpu: { type: 'H100', count: 99 },
              cpu: '8',
              memory: '1Gi',
            },
          }),
          'resources.gpu.count',
        ],
        [
          {
            ...vllm({ name: 'rdma', kind: 'Job', template: 'mpijob' }),
            replicas: undefined,
            model: undefined,
            mpi: { workers: 2, gpusPerWorker: 1, rdma: { enabled: true } },
          },
          'mpi.rdma',
        ],
        [vllm({ name: 'lost', workspace: 'no-such-space' }), 'workspace'],
      ] as const) {
        const res = await fleet.call(
          'POST',
          '/deployments',
          fleet.as.deployer,
          manifest,
        );
        const body = await res.json();
        expect({ field, status: res.status }).toEqual({
          field,
          status: statusOf[field] ?? 400,
        });
        expect(body.error.message).toMatch(
          new RegExp(`^${field.replace('.', '\\.')}`),
        );
      }
      expect(gitState(gitUrl).log).toHaveLength(before);
    });

    it('makes each change a revision with its diff, and applies it', async () => {
      const res = await fleet.call(
        'PUT',
        `/workspaces/${WORKSPACE}/deployments/llama`,
        fleet.as.deployer,
        vllm({ replicas: { min: 2, max: 2 } }),
      );
      const body = await res.json();
      expect(res.status).toBe(200);
      expect(body).toMatchObject({
        revision: 2,
        appliedRevision: 2,
        delivery: { state: 'applied' },
      });
      expect(
        (onCluster('Deployment', 'apps/v1', 'llama')!.spec as any).replicas,
      ).toBe(2);
      const diff = await fleet.call(
        'GET',
        `/workspaces/${WORKSPACE}/deployments/llama/revisions/2/diff`,
        fleet.as.viewer,
      );
      const { diff: text, commit } = await diff.json();
      expect(commit).toBe(body.appliedCommit);
      expect(text).toContain('-  replicas: 1');
      expect(text).toContain('+  replicas: 2');
    });

    it('serialises concurrent changes to one deployment: each is a revision with its own commit, in order', async () => {
      const before = gitState(gitUrl).log.length;
      const images = ['a', 'b', 'c', 'd'].map(
        tag => `vllm/vllm-openai:v0.6.4-${tag}`,
      );
      const answers = await Promise.all(
        images.map(image =>
          fleet.call(
            'PUT',
            `/workspaces/${WORKSPACE}/deployments/llama`,
            fleet.as.deployer,
            vllm({ image, replicas: { min: 2, max: 2 } }),
          ),
        ),
      );
      expect(answers.map(a => a.status)).toEqual([200, 200, 200, 200]);
      const { items } = await (
        await fleet.call(
          'GET',
          `/workspaces/${WORKSPACE}/deployments/llama/revisions`,
          fleet.as.viewer,
        )
      ).json();
      const latest = items.slice(0, 4);
      expect(latest.map((r: any) => r.revision)).toEqual([6, 5, 4, 3]);
      const git = gitState(gitUrl);
      expect(git.log).toHaveLength(before + 4);
      // Git holds them in revision order, each commit naming its revision.
      expect(git.log.slice(0, 4).map(l => l.split('|')[0])).toEqual(
        latest.map((r: any) => r.commit),
      );
      const image = (revision: any) => revision.manifest.image as string;
      const last = await (
        await fleet.call(
          'GET',
          `/workspaces/${WORKSPACE}/deployments/llama`,
          fleet.as.viewer,
        )
      ).json();
      expect(last).toMatchObject({
        revision: 6,
        appliedRevision: 6,
        appliedCommit: latest[0].commit,
        delivery: { state: 'applied' },
      });
      const live = onCluster('Deployment', 'apps/v1', 'llama')! as any;
      expect(live.spec.template.spec.containers[0].image).toBe(
        image(latest[0]),
      );
      expect(new Set(latest.map(image))).toEqual(new Set(images));
    });

    it('lists every unmet requirement before a retarget, changes nothing while any is left, and moves once fixed', async () => {
      const lambda = await fleet.attachCluster(
        'lambda-h200',
        'lambda',
        'lambda-h200',
        { inventory: true },
      );
      // Someone else's namespace of the same name is there already.
      lambda.sim.store.createObject({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: WORKSPACE },
      });
      for (let i = 0; i < 100; i++) {
        const inv = await fleet.call(
          'GET',
          '/clusters/lambda-h200/inventory',
          fleet.as.fleetAdmin,
        );
        if ((await inv.json()).nodes?.length) break;
        await new Promise(r => setTimeout(r, 100));
      }
      const check = await fleet.call(
        'GET',
        `/workspaces/${WORKSPACE}/deployments/llama/requirements?cluster=lambda-h200`,
        fleet.as.deployer,
      );
      expect(await check.json()).toEqual({
        cluster: 'lambda-h200',
        unmet: [
          expect.objectContaining({
            requirement: 'gpu-type',
            field: 'resources.gpu.type',
          }),
          {
            requirement: 'namespace',
            field: 'cluster',
            message: `namespace '${WORKSPACE}' already exists on cluster 'lambda-h200' and is not managed by GPU Fleet`,
          },
        ],
      });
      const before = gitState(gitUrl).log.length;
      const refused = await fleet.call(
        'POST',
        `/workspaces/${WORKSPACE}/deployments/llama/retarget`,
        fleet.as.deployer,
        { cluster: 'lambda-h200' },
      );
      expect(refused.status).toBe(409);
      expect((await refused.json()).unmet).toEqual([
        expect.objectContaining({ field: 'resources.gpu.type' }),
        expect.objectContaining({ field: 'cluster' }),
      ]);
      expect(gitState(gitUrl).log).toHaveLength(before);
      // The cluster's admin hands the namespace over.
      lambda.sim.store.deleteObject('v1', 'Namespace', WORKSPACE);

      // Fixed: H200s, as lambda-h200 has them.
      const moved = await fleet.call(
        'PUT',
        `/workspaces/${WORKSPACE}/deployments/llama`,
        fleet.as.deployer,
        vllm({
          cluster: 'lambda-h200',
          resources: {
            gpu: { type: 'H200', count: 1 },
            cpu: '8',
            memory: '64Gi',
          },
        }),
      );
      const body = await moved.json();
      expect(moved.status).toBe(200);
      expect(body).toMatchObject({
        cluster: 'lambda-h200',
        revision: 7,
        appliedRevision: 7,
        delivery: { state: 'applied' },
      });
      const git = gitState(gitUrl);
      expect(git.files.filter(f => f.includes('/llama/'))).toEqual([
        `lambda-h200/${WORKSPACE}/llama/01-service-llama.yaml`,
        `lambda-h200/${WORKSPACE}/llama/02-deployment-llama.yaml`,
      ]);
      expect(git.log[0]).toContain('Move to lambda-h200: llama');
      // Gone from the old cluster, running on the new one.
      expect(onCluster('Deployment', 'apps/v1', 'llama')).toBeUndefined();
      expect(onCluster('Service', 'v1', 'llama')).toBeUndefined();
      const revisions = await (
        await fleet.call(
          'GET',
          `/workspaces/${WORKSPACE}/deployments/llama/revisions`,
          fleet.as.viewer,
        )
      ).json();
      expect(
        revisions.items.map((r: any) => [r.revision, r.action, r.cluster]),
      ).toEqual([
        [7, 'retarget', 'lambda-h200'],
        [6, 'update', 'eks-p5'],
        [5, 'update', 'eks-p5'],
        [4, 'update', 'eks-p5'],
        [3, 'update', 'eks-p5'],
        [2, 'update', 'eks-p5'],
        [1, 'create', 'eks-p5'],
      ]);
    });

    it('deleting removes the deployment from Git and from the cluster', async () => {
      const created = await fleet.call(
        'POST',
        '/deployments',
        fleet.as.deployer,
        vllm({ name: 'short-lived' }),
      );
      expect(created.status).toBe(201);
      expect(onCluster('Deployment', 'apps/v1', 'short-lived')).toBeDefined();
      const res = await fleet.call(
        'DELETE',
        `/workspaces/${WORKSPACE}/deployments/short-lived`,
        fleet.as.deployer,
      );
      expect(res.status).toBe(204);
      expect(onCluster('Deployment', 'apps/v1', 'short-lived')).toBeUndefined();
      expect(onCluster('Service', 'v1', 'short-lived')).toBeUndefined();
      const git = gitState(gitUrl);
      expect(git.files.filter(f => f.includes('/short-lived/'))).toEqual([]);
      expect(git.log[0]).toContain(
        `Delete short-lived from ${WORKSPACE} (revision 2) by ${PEOPLE.deployer.ref}`,
      );
      const gone = await fleet.call(
        'GET',
        `/workspaces/${WORKSPACE}/deployments/short-lived`,
        fleet.as.deployer,
      );
      expect(gone.status).toBe(404);
    });
  },
);
