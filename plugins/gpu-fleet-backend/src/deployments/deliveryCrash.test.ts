import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TestDatabases } from '@backstage/backend-test-utils';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { startSimulator } from '@gpu-fleet/k8s-simulator';
import {
  Cluster,
  defaultAddonsFor,
  DEPLOYMENT_LABEL,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  Workspace,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import knexFactory from 'knex';
import YAML from 'yaml';
import type { WorkerInput } from '../__testUtils__/deliveryWorker';

jest.setTimeout(600_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });
const WORKER = path.resolve(__dirname, '../__testUtils__/deliveryWorker.ts');
const TRANSFORM = require.resolve('@backstage/cli/config/nodeTransform.cjs');
const MIGRATIONS = resolvePackagePath(
  '@gpu-fleet/plugin-gpu-fleet-backend',
  'migrations',
);
const NS = 'ml-inference';
const KINDS = [
  ['v1', 'Service'],
  ['apps/v1', 'Deployment'],
  ['v1', 'PersistentVolumeClaim'],
] as const;

const workspace: Workspace = {
  name: NS,
  cluster: 'eks-p5',
  namespace: NS,
  displayName: NS,
  description: null,
  allowPrivileged: false,
  gpuQuota: [],
  defaults: {
    tolerations: [],
    nodeSelector: {},
    priorityClassName: null,
    capacityType: null,
  },
  workloadIdentity: {},
  members: [],
  createdBy: 'user:default/alice',
  createdAt: new Date(0).toISOString(),
  updatedAt: new Date(0).toISOString(),
};

const cluster: Cluster = {
  name: 'eks-p5',
  displayName: 'eks-p5',
  provider: 'eks',
  region: null,
  description: null,
  labels: {},
  addons: defaultAddonsFor('eks'),
  status: 'connected',
  agentVersion: null,
  kubernetesVersion: null,
  lastSeenAt: null,
  createdBy: 'user:default/alice',
  createdAt: new Date(0).toISOString(),
  updatedAt: new Date(0).toISOString(),
  detachedAt: null,
} as Cluster;

function manifest(name: string, withClaim: boolean) {
  return {
    kind: 'Service',
    template: 'vllm',
    name,
    workspace: NS,
    image: 'vllm/vllm-openai:v0.6.4',
    model: 'meta-llama/Llama-3.1-8B-Instruct',
    resources: { gpu: { type: 'H100', count: 1 }, cpu: '8', memory: '64Gi' },
    replicas: { min: 1, max: 1 },
    ...(withClaim
      ? {
          storage: {
            kind: 'rwx',
            storageClass: 'efs-sc',
            size: '100Gi',
            mountPath: '/models',
          },
        }
      : {}),
  };
}

/** How each database is reached by this test and by the worker process. */
async function openDatabase(id: 'SQLITE_3' | 'POSTGRES_15', dir: string) {
  if (id === 'SQLITE_3') {
    const connection = { filename: path.join(dir, 'backend.sqlite') };
    const knex = knexFactory({
      client: 'better-sqlite3',
      connection,
      useNullAsDefault: true,
    });
    return { knex, config: { client: 'better-sqlite3', connection } };
  }
  const knex = await databases.init(id);
  return {
    knex,
    config: { client: 'pg', connection: knex.client.config.connection },
  };
}

const ids = [
  'SQLITE_3' as const,
  ...(databases.eachSupportedId().some(([id]) => id === 'POSTGRES_15')
    ? ['POSTGRES_15' as const]
    : []),
];

describe.each(ids)('a delivery killed with SIGKILL, on %s', id => {
  let dir: string;
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  let db: Awaited<ReturnType<typeof openDatabase>>;
  let gitUrl: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gpu-fleet-crash-'));
    gitUrl = path.join(dir, 'gitops.git');
    sim = await startSimulator({
      scenario: path.resolve(
        require.resolve('@gpu-fleet/k8s-simulator/package.json'),
        '../scenarios/eks-p5.yaml',
      ),
    });
    sim.store.createObject({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: NS, labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE } },
    });
    db = await openDatabase(id, dir);
  });

  afterAll(async () => {
    await db?.knex.destroy();
    await sim?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Runs the worker; resolves with how it ended. */
  function work(
    action: WorkerInput['action'],
    options: { manifest?: unknown; crashAt?: string; applies?: number } = {},
  ): Promise<{ code: number | null; signal: string | null; stderr: string }> {
    const input: WorkerInput = {
      database: db.config,
      migrations: MIGRATIONS,
      git: { url: gitUrl, workingDirectory: path.join(dir, 'clone') },
      simulatorUrl: sim.url,
      workspace,
      cluster,
      storageClasses: ['efs-sc'],
      action,
      manifest: options.manifest,
      crashAt: options.crashAt,
    };
    return new Promise(resolve => {
      const child = spawn(process.execPath, ['--require', TRANSFORM, WORKER], {
        env: {
          ...process.env,
          GPU_FLEET_WORKER_INPUT: JSON.stringify(input),
          GPU_FLEET_APPLIES: String(options.applies ?? 0),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', chunk => (stderr += chunk));
      child.on('exit', (code, signal) => resolve({ code, signal, stderr }));
    });
  }

  async function crashThenRecover(
    action: WorkerInput['action'],
    crashAt: string,
    options: { manifest?: unknown; applies?: number },
  ) {
    const crashed = await work(action, { ...options, crashAt });
    expect({ crashAt, signal: crashed.signal, stderr: crashed.stderr }).toEqual(
      {
        crashAt,
        signal: 'SIGKILL',
        stderr: '',
      },
    );
    const recovered = await work('resume');
    expect({ crashAt, code: recovered.code, stderr: recovered.stderr }).toEqual(
      {
        crashAt,
        code: 0,
        stderr: '',
      },
    );
  }

  function gitLog(): Array<{ sha: string; body: string }> {
    const clone = fs.mkdtempSync(path.join(dir, 'check-'));
    execFileSync('git', ['clone', '-q', '--branch', 'main', gitUrl, clone]);
    const raw = execFileSync('git', ['log', '--format=%H%n%B%x00'], {
      cwd: clone,
    }).toString();
    fs.rmSync(clone, { recursive: true, force: true });
    return raw
      .split('\0')
      .map(entry => entry.trim())
      .filter(Boolean)
      .map(entry => {
        const [sha, ...body] = entry.split('\n');
        return { sha, body: body.join('\n') };
      });
  }

  function committedObjects(sha: string, folder: string) {
    const listed = execFileSync(
      'git',
      ['ls-tree', '-r', '--name-only', sha, '--', `${folder}/`],
      { cwd: gitUrl },
    )
      .toString()
      .split('\n')
      .filter(Boolean);
    return listed.map(file =>
      YAML.parse(
        execFileSync('git', ['show', `${sha}:${file}`], {
          cwd: gitUrl,
        }).toString(),
      ),
    );
  }

  function labelledOnCluster(name: string) {
    return KINDS.flatMap(([apiVersion, kind]) =>
      sim.store
        .listObjects(apiVersion, kind, NS, {
          labelSelector: `${DEPLOYMENT_LABEL}=${name}`,
        } as any)
        .filter(o => o.metadata.labels?.[DEPLOYMENT_LABEL] === name),
    );
  }

  /** Git, the database and the cluster tell the same story, once each. */
  async function expectAgreement(name: string, crashAt: string) {
    const row = await db
      .knex('gpu_fleet_deployments')
      .where({ workspace_name: NS, name })
      .first();
    const log = gitLog();
    if (!row) {
      // Deleted: no folder, nothing on the cluster.
      expect({ crashAt, left: labelledOnCluster(name).length }).toEqual({
        crashAt,
        left: 0,
      });
      expect(committedObjects(log[0].sha, `eks-p5/${NS}/${name}`)).toEqual([]);
      return;
    }
    expect({ crashAt, state: row.state, error: row.delivery_error }).toEqual({
      crashAt,
      state: 'applied',
      error: null,
    });
    expect(Number(row.applied_revision)).toBe(Number(row.revision));
    const revisions = await db
      .knex('gpu_fleet_deployment_revisions')
      .where({ workspace_name: NS, deployment_name: name })
      .orderBy('revision');
    for (const revision of revisions) {
      const trailer = `Gpu-Fleet-Change: ${NS}/${name}/${row.uid}/${revision.revision}`;
      const commits = log.filter(c => c.body.split('\n').includes(trailer));
      // One commit per revision: none lost, none made twice.
      expect({
        crashAt,
        revision: revision.revision,
        commits: commits.length,
      }).toEqual({ crashAt, revision: revision.revision, commits: 1 });
      expect(revision.commit_sha).toBe(commits[0].sha);
    }
    const committed = committedObjects(
      row.applied_commit,
      `eks-p5/${NS}/${name}`,
    );
    const onCluster = labelledOnCluster(name);
    const refsOf = (objects: any[]) =>
      objects.map(o => `${o.kind}/${o.metadata.name}`).sort();
    // Exactly the commit's objects: none missing, none orphaned.
    expect({ crashAt, objects: refsOf(onCluster) }).toEqual({
      crashAt,
      objects: refsOf(committed),
    });
    for (const object of committed) {
      const live = onCluster.find(
        o => o.kind === object.kind && o.metadata.name === object.metadata.name,
      )!;
      expect(live.spec).toMatchObject(object.spec);
    }
  }

  const refsOfKinds = (objects: Array<{ kind: string }>) =>
    objects.map(o => o.kind).sort();

  const POINTS = [
    'before-commit',
    'after-commit',
    'after-first-apply',
    'after-last-apply',
  ];

  it('finishes a create killed at each point, with one commit and no orphan', async () => {
    for (const crashAt of POINTS) {
      const name = `create-${crashAt}`;
      await crashThenRecover('create', crashAt, {
        manifest: manifest(name, true),
        applies: 3,
      });
      await expectAgreement(name, crashAt);
      expect(refsOfKinds(labelledOnCluster(name))).toEqual([
        'Deployment',
        'PersistentVolumeClaim',
        'Service',
      ]);
    }
  });

  it('finishes a change that drops an object, killed at each point, and prunes it', async () => {
    for (const crashAt of [...POINTS, 'after-first-delete']) {
      const name = `change-${crashAt}`;
      expect(
        (await work('create', { manifest: manifest(name, true) })).code,
      ).toBe(0);
      await crashThenRecover('update', crashAt, {
        manifest: manifest(name, false),
        applies: 2,
      });
      await expectAgreement(name, crashAt);
      expect(
        labelledOnCluster(name).filter(o => o.kind === 'PersistentVolumeClaim'),
      ).toEqual([]);
    }
  });

  it('finishes a delete killed at each point, leaving nothing behind', async () => {
    for (const crashAt of [
      'before-commit',
      'after-commit',
      'after-first-delete',
    ]) {
      const name = `delete-${crashAt}`;
      expect(
        (await work('create', { manifest: manifest(name, true) })).code,
      ).toBe(0);
      await crashThenRecover('delete', crashAt, {
        manifest: manifest(name, true),
      });
      await expectAgreement(name, crashAt);
    }
  });
});
