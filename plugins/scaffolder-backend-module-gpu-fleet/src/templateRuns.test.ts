import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import scaffolderEntityModel from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import { eventsServiceFactory } from '@backstage/plugin-events-node';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
// The templates run against the real GPU Fleet backend, policy and agents.
/* eslint-disable @backstage/no-mixed-plugin-imports, @backstage/no-forbidden-package-imports */
import {
  orgCatalogYaml,
  PEOPLE,
  startPolicyFleet,
} from '@gpu-fleet/plugin-permission-backend-module-gpu-fleet-policy/src/__testUtils__/startPolicyFleet';
/* eslint-enable @backstage/no-mixed-plugin-imports, @backstage/no-forbidden-package-imports */
import catalogModuleGpuFleet from '@gpu-fleet/plugin-catalog-backend-module-gpu-fleet';
import { scaffolderModuleGpuFleet } from './module';

jest.setTimeout(240_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
// The step logger's level colours (ANSI escapes).
const COLOUR = new RegExp(`${String.fromCharCode(27)}\\[\\d+m`, 'g');
const TEMPLATES = path.resolve(__dirname, '../../../examples/templates');

/** The GitOps remote's commits, newest first, as a fresh clone sees them. */
function gitLog(url: string) {
  const checkout = fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-check-'));
  try {
    execFileSync('git', ['clone', '-q', '--branch', 'main', url, checkout]);
    const run = (...args: string[]) =>
      execFileSync('git', args, { cwd: checkout }).toString();
    return {
      commits: run('log', '--format=%H|%an|%s').trim().split('\n'),
      files: run('ls-files').split('\n').filter(Boolean),
    };
  } catch {
    return { commits: [], files: [] };
  } finally {
    fs.rmSync(checkout, { recursive: true, force: true });
  }
}

interface TaskEvent {
  type: string;
  body: { message?: string; stepId?: string; status?: string; output?: any };
}

describe.each(databases.eachSupportedId())(
  'templates through the scaffolder on %s',
  (databaseId: TestDatabaseId) => {
    let fleet: Awaited<ReturnType<typeof startPolicyFleet>>;
    let dir: string;
    let gitUrl: string;
    let origin: string;

    const catalog = (route: string, authorization = fleet.as.fleetAdmin) =>
      fetch(`${origin}/api/catalog${route}`, {
        headers: { Authorization: authorization },
      });

    beforeAll(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gpu-fleet-templates-'));
      gitUrl = path.join(dir, 'gitops.git');
      fs.writeFileSync(path.join(dir, 'org.yaml'), orgCatalogYaml());
      fleet = await startPolicyFleet(await databases.init(databaseId), dir, {
        inventory: true,
        status: true,
        realCatalog: true,
        features: [
          catalogPlugin,
          scaffolderEntityModel,
          catalogModuleGpuFleet,
          // The real events service: the catalog hears the registry's changes.
          eventsServiceFactory,
          scaffolderPlugin,
          scaffolderModuleGpuFleet,
        ],
        config: {
          app: { baseUrl: 'http://localhost:3000' },
          catalog: {
            rules: [
              { allow: ['Group', 'User', 'Template', 'Component', 'Resource'] },
            ],
            locations: [
              { type: 'file', target: path.join(dir, 'org.yaml') },
              {
                type: 'file',
                target: path.join(TEMPLATES, 'vllm-service/template.yaml'),
              },
              {
                type: 'file',
                target: path.join(TEMPLATES, 'mpijob-training/template.yaml'),
              },
            ],
          },
        },
        gpuFleet: {
          gitops: {
            url: gitUrl,
            workingDirectory: path.join(dir, 'gitops-clone'),
          },
        },
      });
      origin = new URL(fleet.base).origin;
      for (const name of ['ml-inference', 'research-runs']) {
        const res = await fleet.call(
          'POST',
          '/workspaces',
          fleet.as.fleetAdmin,
          {
            name,
            cluster: 'eks-p5',
            gpuQuota: [{ gpuType: 'H100', count: 32 }],
            // The GPU nodes are tainted: without this nothing lands on them.
            defaults: {
              tolerations: [
                {
                  key: 'nvidia.com/gpu',
                  operator: 'Exists',
                  effect: 'NoSchedule',
                },
              ],
              nodeSelector: {},
              priorityClassName: null,
              capacityType: 'on-demand',
            },
            members: [
              { ref: 'group:default/ml-research', role: 'deployer' },
              { ref: PEOPLE.viewer.ref, role: 'viewer' },
            ],
          },
        );
        if (res.status !== 201) throw new Error(await res.text());
      }
      // A workspace Bob has no role in.
      const other = await fleet.call(
        'POST',
        '/workspaces',
        fleet.as.fleetAdmin,
        {
          name: 'secret-lab',
          cluster: 'eks-p5',
          members: [{ ref: PEOPLE.workspaceAdmin.ref, role: 'deployer' }],
        },
      );
      if (other.status !== 201) throw new Error(await other.text());
      // Autoscaling renders KEDA objects, and MPIJobs need the operator.
      const addons = await fleet.call(
        'PATCH',
        '/clusters/eks-p5',
        fleet.as.fleetAdmin,
        { addons: ['keda', 'mpi-operator'] },
      );
      if (addons.status !== 200) throw new Error(await addons.text());
      // The templates must be in the catalog, and deployments need inventory.
      await until(async () => {
        const inv = await fleet.call(
          'GET',
          '/clusters/eks-p5/inventory',
          fleet.as.fleetAdmin,
        );
        const templates = await Promise.all(
          ['gpu-fleet-vllm-service', 'gpu-fleet-mpijob-training'].map(n =>
            catalog(`/entities/by-name/template/default/${n}`),
          ),
        );
        return (
          ((await inv.json()).nodes?.length ?? 0) > 0 &&
          templates.every(t => t.status === 200)
        );
      });
    });

    afterAll(async () => {
      await fleet?.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    async function until(check: () => Promise<boolean>, tries = 600) {
      for (let i = 0; i < tries; i++) {
        if (await check()) return;
        await new Promise(r => setTimeout(r, 100));
      }
      throw new Error('gave up waiting');
    }

    const startTask = (
      templateName: string,
      values: Record<string, unknown>,
      authorization?: string,
    ) =>
      fetch(`${origin}/api/scaffolder/v2/tasks`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          ...(authorization ? { Authorization: authorization } : {}),
        },
        body: JSON.stringify({
          templateRef: `template:default/${templateName}`,
          values,
        }),
      });

    /** Reads the task's event stream, as the portal's task page does, until it ends. */
    async function followTask(id: string, authorization: string) {
      const res = await fetch(
        `${origin}/api/scaffolder/v2/tasks/${id}/eventstream`,
        {
          headers: { Authorization: authorization },
          // A task that never ends fails the test with its log so far.
          signal: AbortSignal.timeout(120_000),
        },
      );
      expect(res.status).toBe(200);
      const events: TaskEvent[] = [];
      const decoder = new TextDecoder();
      let buffered = '';
      try {
        for await (const chunk of res.body as any as AsyncIterable<Uint8Array>) {
          buffered += decoder.decode(chunk, { stream: true });
          for (
            let end = buffered.indexOf('\n\n');
            end >= 0;
            end = buffered.indexOf('\n\n')
          ) {
            const block = buffered.slice(0, end);
            buffered = buffered.slice(end + 2);
            const data = block
              .split('\n')
              .filter(l => l.startsWith('data:'))
              .map(l => l.slice(5))
              .join('\n');
            if (!data) continue;
            const event = JSON.parse(data) as TaskEvent;
            events.push(event);
            if (event.type === 'completion') return events;
          }
        }
      } catch (error) {
        if ((error as Error).name !== 'TimeoutError') throw error;
      }
      return events;
    }

    const logOf = (events: TaskEvent[]) =>
      events
        .filter(e => e.type === 'log')
        .map(e => `${e.body.stepId ?? ''}: ${e.body.message}`)
        // The step logger prefixes a coloured level.
        .map(line => line.replace(COLOUR, '').replace(/: (info|warn): /, ': '));

    /** How the task ended, from its completion event. */
    const endOf = (events: TaskEvent[]) =>
      /status: (\w+)/.exec(
        events.find(e => e.type === 'completion')?.body.message ?? '',
      )?.[1];

    /** Shows the task's log when it ended otherwise. */
    const expectEnd = (events: TaskEvent[], status: string) => {
      if (endOf(events) !== status) {
        throw new Error(
          `task ended ${endOf(events)}, not ${status}:\n${logOf(events)
            .filter(l => !l.includes(': ---'))
            .join('\n')}`,
        );
      }
    };

    const placement = (workspace: string, gpuCount: number) => ({
      workspace,
      cluster: 'eks-p5',
      gpuType: 'H100',
      gpuCount,
    });

    it('runs the vLLM template as a deployer: commit, deployment, objects on the cluster, and its Component', async () => {
      const before = gitLog(gitUrl).commits.length;
      const res = await startTask(
        'gpu-fleet-vllm-service',
        {
          name: 'llama-chat',
          model: 'meta-llama/Llama-3.1-8B-Instruct',
          image: 'vllm/vllm-openai:v0.8.5',
          minReplicas: 1,
          maxReplicas: 2,
          placement: placement('ml-inference', 1),
          capacityType: 'on-demand',
          cpu: '8',
          memory: '64Gi',
          autoscaling: 'request-rate',
          prometheusUrl: 'http://prometheus.monitoring:9090',
          query: 'sum(rate(vllm:request_success_total[1m]))',
          targetPerReplica: 10,
          weights: 'object-storage',
          weightsUrl: 'https://models.example.com/llama-3.1-8b.tar',
          pullInto: 'emptyDir',
        },
        fleet.as.deployer,
      );
      expect(res.status).toBe(201);
      const { id } = await res.json();
      const events = await followTask(id, fleet.as.deployer);
      const log = logOf(events);
      expectEnd(events, 'completed');
      expect(log).toEqual(
        expect.arrayContaining([
          expect.stringMatching(
            /^render: ml-inference\/llama-chat renders 3 files into eks-p5\/ml-inference\/llama-chat on eks-p5/,
          ),
          'deploy: Creating ml-inference/llama-chat',
          expect.stringMatching(
            /^wait: ml-inference\/llama-chat: applied revision 1 \(commit [0-9a-f]{12}\); Running: /,
          ),
        ]),
      );

      // The commit, by the deployer, holding the rendered objects.
      const git = gitLog(gitUrl);
      expect(git.commits).toHaveLength(before + 1);
      const [sha, author, subject] = git.commits[0].split('|');
      expect(author).toBe(PEOPLE.deployer.ref);
      expect(subject).toBe(
        `Create llama-chat in ml-inference (revision 1) by ${PEOPLE.deployer.ref}`,
      );
      expect(
        git.files.filter(f => f.startsWith('eks-p5/ml-inference/llama-chat/')),
      ).toEqual([
        'eks-p5/ml-inference/llama-chat/01-service-llama-chat.yaml',
        'eks-p5/ml-inference/llama-chat/02-deployment-llama-chat.yaml',
        'eks-p5/ml-inference/llama-chat/03-scaledobject-llama-chat.yaml',
      ]);

      // The deployment recorded with that commit, and its objects on the cluster.
      const got = await fleet.call(
        'GET',
        '/workspaces/ml-inference/deployments/llama-chat',
        fleet.as.deployer,
      );
      const view = await got.json();
      expect(view).toMatchObject({
        revision: 1,
        appliedCommit: sha,
        createdBy: PEOPLE.deployer.ref,
        manifest: {
          storage: {
            kind: 'object-storage',
            url: 'https://models.example.com/llama-3.1-8b.tar',
            into: 'emptyDir',
          },
          autoscaling: { requestRate: { targetPerReplica: 10 } },
        },
        status: { phase: 'Running' },
      });
      const deployment = fleet.sim.store.getObject(
        'apps/v1',
        'Deployment',
        'llama-chat',
        'ml-inference',
      );
      expect(
        (deployment.metadata as any).managedFields.map((f: any) => f.manager),
      ).toContain('gpu-fleet');
      expect(
        fleet.sim.store.getObject(
          'keda.sh/v1alpha1',
          'ScaledObject',
          'llama-chat',
          'ml-inference',
        ),
      ).toBeDefined();

      // The task's output links to the page and the catalog Component.
      const task = await (
        await fetch(`${origin}/api/scaffolder/v2/tasks/${id}`, {
          headers: { Authorization: fleet.as.deployer },
        })
      ).json();
      expect(task.createdBy).toBe(PEOPLE.deployer.ref);

      // The workload's Component, where the task's output links, with what
      // its Kubernetes tab needs to find the pods.
      let component: any;
      await until(async () => {
        const found = await catalog(
          '/entities/by-name/component/ml-inference/llama-chat',
          fleet.as.deployer,
        );
        if (found.status !== 200) return false;
        component = await found.json();
        return true;
      });
      expect(component.metadata.annotations).toMatchObject({
        'backstage.io/kubernetes-id': 'llama-chat',
        'backstage.io/kubernetes-namespace': 'ml-inference',
        'backstage.io/kubernetes-cluster': 'eks-p5',
        'backstage.io/kubernetes-label-selector': expect.stringContaining(
          'gpu-fleet.io/deployment=llama-chat',
        ),
      });
      expect(component.spec.type).toBe('service');
    });

    it('runs the MPIJob template and finds its launcher and workers running', async () => {
      const res = await startTask(
        'gpu-fleet-mpijob-training',
        {
          name: 'bert-pretrain',
          image: 'mpioperator/mpi-pi:openmpi',
          args: ['mpirun', '-n', '2', '/home/mpiuser/pi'],
          workers: 2,
          placement: placement('research-runs', 2),
          rdma: false,
          shmSize: '32Gi',
          cpu: '16',
          memory: '128Gi',
          checkpoints: 'none',
        },
        fleet.as.deployer,
      );
      expect(res.status).toBe(201);
      const { id } = await res.json();
      const events = await followTask(id, fleet.as.deployer);
      expectEnd(events, 'completed');
      expect(logOf(events)).toEqual(
        expect.arrayContaining([
          expect.stringMatching(
            /^wait: research-runs\/bert-pretrain: applied revision 1 .*Running: /,
          ),
        ]),
      );
      const mpijob = fleet.sim.store.getObject(
        'kubeflow.org/v2beta1',
        'MPIJob',
        'bert-pretrain',
        'research-runs',
      ) as any;
      expect(mpijob.spec.mpiReplicaSpecs.Worker.replicas).toBe(2);
      const view = await (
        await fleet.call(
          'GET',
          '/workspaces/research-runs/deployments/bert-pretrain',
          fleet.as.deployer,
        )
      ).json();
      expect(view.status.pods.map((p: any) => p.role).sort()).toEqual([
        'launcher',
        'worker',
        'worker',
      ]);
    });

    it('fails a viewer’s run with a clear message and writes nothing', async () => {
      const before = gitLog(gitUrl).commits.length;
      const res = await startTask(
        'gpu-fleet-vllm-service',
        {
          name: 'carols-llama',
          model: 'meta-llama/Llama-3.1-8B-Instruct',
          image: 'vllm/vllm-openai:v0.8.5',
          minReplicas: 1,
          maxReplicas: 1,
          placement: placement('ml-inference', 1),
          capacityType: 'on-demand',
          cpu: '8',
          memory: '64Gi',
          autoscaling: 'none',
          weights: 'download',
        },
        fleet.as.viewer,
      );
      expect(res.status).toBe(201);
      const { id } = await res.json();
      const events = await followTask(id, fleet.as.viewer);
      expectEnd(events, 'failed');
      const deployLog = logOf(events).filter(l => l.startsWith('deploy: '));
      expect(deployLog.slice(0, 2)).toEqual([
        'deploy: Beginning step Commit to Git and deliver',
        'deploy: Creating ml-inference/carols-llama',
      ]);
      expect(deployLog[2]).toMatch(
        /^deploy: NotAllowedError: not allowed: gpu-fleet\.workspace\.kube\.write on workspace 'ml-inference'\n/,
      );
      expect(gitLog(gitUrl).commits).toHaveLength(before);
      const got = await fleet.call(
        'GET',
        '/workspaces/ml-inference/deployments/carols-llama',
        fleet.as.fleetAdmin,
      );
      expect(got.status).toBe(404);
      expect(() =>
        fleet.sim.store.getObject(
          'apps/v1',
          'Deployment',
          'carols-llama',
          'ml-inference',
        ),
      ).toThrow();
    });

    it('keeps a deployer of one workspace out of another: the run fails and writes nothing', async () => {
      const before = gitLog(gitUrl).commits.length;
      const res = await startTask(
        'gpu-fleet-mpijob-training',
        {
          name: 'borrowed-gpus',
          image: 'mpioperator/mpi-pi:openmpi',
          workers: 1,
          placement: placement('secret-lab', 1),
          rdma: false,
          shmSize: '8Gi',
          cpu: '4',
          memory: '16Gi',
          checkpoints: 'none',
        },
        fleet.as.deployer,
      );
      const { id } = await res.json();
      const events = await followTask(id, fleet.as.deployer);
      expectEnd(events, 'failed');
      // Not even the dry render: Bob may not read that workspace.
      expect(logOf(events).find(l => l.includes('Error'))).toMatch(
        /^render: NotAllowedError: .*'secret-lab'/,
      );
      expect(gitLog(gitUrl).commits).toHaveLength(before);
      const got = await fleet.call(
        'GET',
        '/workspaces/secret-lab/deployments/borrowed-gpus',
        fleet.as.fleetAdmin,
      );
      expect(got.status).toBe(404);
    });

    it('refuses to start a template without a token or with a forged one', async () => {
      const values = { name: 'x', placement: placement('ml-inference', 1) };
      for (const authorization of [undefined, fleet.refused.forged]) {
        const res = await startTask(
          'gpu-fleet-vllm-service',
          values,
          authorization,
        );
        expect(res.status).toBe(401);
      }
    });
  },
);
