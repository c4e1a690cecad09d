/**
 * A process that does one deployment change the way the backend does it,
 * against a real database, Git repository and simulated cluster, and
 * kills itself with SIGKILL at the point named by GPU_FLEET_CRASH_AT.
 * Only the registry's and inventory's facts are given: the crash test is
 * about delivery. Run with `node --require @backstage/cli/config/nodeTransform.cjs`.
 */
import { Readable } from 'node:stream';
import {
  Cluster,
  DeploymentManifest,
  deploymentManifestSchema,
  nodeInventoryFromNode,
  Workspace,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import knexFactory from 'knex';
import { DeploymentService } from '../deployments/DeploymentService';
import { DeploymentStore } from '../deployments/DeploymentStore';
import { GitOpsRepository } from '../deployments/GitOpsRepository';
import { TunnelRequest } from '../gateway/TunnelStream';
import { WorkspaceKube } from '../workspaces/workspaceKube';

export interface WorkerInput {
  database: { client: string; connection: unknown };
  migrations: string;
  git: { url: string; workingDirectory: string };
  simulatorUrl: string;
  workspace: Workspace;
  cluster: Cluster;
  storageClasses: string[];
  action: 'create' | 'update' | 'delete' | 'resume';
  manifest?: unknown;
  /** before-commit | after-commit | after-first-apply | after-last-apply | after-first-delete */
  crashAt?: string;
}

const input: WorkerInput = JSON.parse(process.env.GPU_FLEET_WORKER_INPUT!);
const die = (point: string) => {
  if (input.crashAt === point) process.kill(process.pid, 'SIGKILL');
};

async function simulatorRequest(req: TunnelRequest) {
  const res = await fetch(`${input.simulatorUrl}${req.path}`, {
    method: req.method,
    headers: req.headers,
    body: req.body as Buffer | undefined,
  });
  const body = Buffer.from(await res.arrayBuffer());
  return {
    status: res.status,
    headers: Object.fromEntries(res.headers.entries()),
    body: Readable.from([body]),
  };
}

async function main() {
  const knex = knexFactory({
    client: input.database.client,
    connection: input.database.connection as any,
    useNullAsDefault: true,
  });
  await knex.migrate.latest({ directory: input.migrations });
  const repo = await GitOpsRepository.open({ ...input.git, branch: 'main' }, {
    info() {},
    warn() {},
    error() {},
    debug() {},
    child: () => ({}),
  } as any);
  const commit = repo.commit.bind(repo);
  repo.commit = async change => {
    die('before-commit');
    const sha = await commit(change);
    die('after-commit');
    return sha;
  };

  let applies = 0;
  let deletes = 0;
  const expectedApplies = Number(process.env.GPU_FLEET_APPLIES ?? '0');
  const kube = new WorkspaceKube({
    request: async (_cluster: string, req: TunnelRequest) => {
      const res = await simulatorRequest(req);
      if (req.method === 'PATCH') {
        applies++;
        if (applies === 1) die('after-first-apply');
        if (applies === expectedApplies) die('after-last-apply');
      }
      if (req.method === 'DELETE' && res.status < 300) {
        deletes++;
        if (deletes === 1) die('after-first-delete');
      }
      return res;
    },
  } as any);

  const nodes = (
    await (await fetch(`${input.simulatorUrl}/api/v1/nodes`)).json()
  ).items.map((node: any) =>
    nodeInventoryFromNode(node, { provider: input.cluster.provider }),
  );
  const service = new DeploymentService({
    store: new DeploymentStore(knex),
    repo,
    workspaces: { find: async () => input.workspace },
    registry: {
      get: async () => input.cluster,
      prerequisites: async () =>
        [
          {
            id: 'storage-classes',
            details: {
              storageClasses: input.storageClasses.map(c => `${c} (csi)`),
            },
          },
        ] as any,
    },
    inventory: {
      inventory: async () => ({
        cluster: input.cluster.name,
        reportedAt: null,
        nodes,
      }),
    },
    kube,
    logger: { info() {}, warn() {}, error() {}, debug() {} } as any,
    requestWaitMs: 60_000,
  });
  const manifest = input.manifest
    ? (deploymentManifestSchema.parse(input.manifest) as DeploymentManifest)
    : undefined;
  const key = manifest
    ? { workspace: manifest.workspace, name: manifest.name }
    : undefined;
  const actor = 'user:default/bob';
  if (input.action === 'create') await service.create(manifest!, actor);
  if (input.action === 'update') await service.update(key!, manifest!, actor);
  if (input.action === 'delete') {
    await service.delete(
      {
        workspace: input.workspace.name,
        name: String((input.manifest as any).name),
      },
      actor,
    );
  }
  await service.resumeUnfinished();
  await knex.destroy();
  process.stdout.write('done\n');
}

main().catch(error => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
