import {
  CapacityResponse,
  Cluster,
  DeploymentRecord,
  deploymentManifestSchema,
  Workspace,
  WorkspaceMember,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import {
  CapacityService,
  ClusterRegistryService,
  DeploymentsService,
  WorkspacesService,
} from '@gpu-fleet/plugin-gpu-fleet-node';
import { FleetReaderDeps } from '../FleetReader';

const AT = '2026-12-01T00:00:00.000Z';

export function cluster(
  name: string,
  overrides: Partial<Cluster> = {},
): Cluster {
  return {
    name,
    displayName: name,
    provider: 'eks',
    region: 'us-east-1',
    description: null,
    labels: {},
    addons: [],
    status: 'connected',
    agentVersion: '0.1.0',
    kubernetesVersion: '1.30',
    lastSeenAt: AT,
    createdBy: 'user:default/alice',
    createdAt: AT,
    updatedAt: AT,
    detachedAt: null,
    ...overrides,
  };
}

export function workspace(
  name: string,
  clusterName: string,
  members: WorkspaceMember[] = [],
  overrides: Partial<Workspace> = {},
): Workspace {
  return {
    name,
    cluster: clusterName,
    namespace: `${name}-ns`,
    displayName: name,
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
    members,
    createdBy: 'user:default/alice',
    createdAt: AT,
    updatedAt: AT,
    ...overrides,
  };
}

/** A deployment as the backend records it; the manifest passes the real schema. */
export function deployment(
  ws: Workspace,
  name: string,
  options: { template?: 'vllm' | 'mpijob'; cluster?: string } = {},
): DeploymentRecord {
  const template = options.template ?? 'vllm';
  const manifest = deploymentManifestSchema.parse({
    kind: template === 'vllm' ? 'Service' : 'Job',
    template,
    name,
    workspace: ws.name,
    ...(options.cluster ? { cluster: options.cluster } : {}),
    image: 'vllm/vllm-openai:v0.6.4',
    ...(template === 'vllm'
      ? { model: 'meta-llama/Llama-3.1-8B-Instruct' }
      : { mpi: { workers: 2, gpusPerWorker: 8 } }),
    resources: {
      gpu: { type: 'H100', count: template === 'vllm' ? 1 : 8 },
      cpu: '8',
      memory: '64Gi',
    },
  });
  return {
    uid: `${ws.name}-${name}-uid`,
    workspace: ws.name,
    name,
    kind: manifest.kind,
    template: manifest.template,
    cluster: options.cluster ?? ws.cluster,
    namespace: ws.namespace,
    manifest,
    revision: 1,
    appliedRevision: 1,
    appliedCommit: 'abc123',
    delivery: { state: 'applied', error: null, attempts: 0, updatedAt: AT },
    createdBy: 'user:default/bob',
    createdAt: AT,
    updatedBy: 'user:default/bob',
    updatedAt: AT,
  };
}

/**
 * The fleet as the gpu-fleet backend's REST API would answer it, for
 * testing entity shapes without a backend; the real API is exercised in
 * catalogWithFleet.test.ts.
 */
export class FleetStandIn {
  clusters = new Map<string, Cluster>();
  workspaces = new Map<string, Workspace>();
  deployments = new Map<string, DeploymentRecord>();
  /** GPUs per cluster and type. */
  gpus = new Map<string, Record<string, number>>();

  add(...items: Array<Cluster | Workspace | DeploymentRecord>) {
    for (const item of items) {
      if ('uid' in item) {
        this.deployments.set(`${item.workspace}/${item.name}`, item);
      } else if ('members' in item) this.workspaces.set(item.name, item);
      else this.clusters.set(item.name, item);
    }
    return this;
  }

  deps(): FleetReaderDeps {
    const clusters: ClusterRegistryService = {
      listClusters: async () => [...this.clusters.values()],
      getCluster: async name => this.clusters.get(name),
    };
    const workspaces: WorkspacesService = {
      listWorkspaces: async (filter = {}) =>
        [...this.workspaces.values()].filter(
          w => !filter.cluster || w.cluster === filter.cluster,
        ),
      getWorkspace: async name => this.workspaces.get(name),
    };
    const view = (record: DeploymentRecord) => ({
      ...record,
      status: null,
      access: { update: false, delete: false },
    });
    const deployments: Pick<DeploymentsService, 'list' | 'get'> = {
      list: async ({ workspace: ws, cluster: c }) =>
        [...this.deployments.values()]
          .filter(d => this.workspaces.has(d.workspace))
          .filter(d => (!ws || d.workspace === ws) && (!c || d.cluster === c))
          .map(view),
      get: async key => {
        const record = this.deployments.get(`${key.workspace}/${key.name}`);
        return record ? view(record) : undefined;
      },
    };
    const capacity: CapacityService = {
      getCapacity: async (_groupBy, filters = {}) =>
        capacityOf(this.gpus, filters.cluster),
    };
    return {
      clusters,
      workspaces,
      deployments,
      capacity,
      credentials: async () => ({
        $$type: '@backstage/BackstageCredentials',
        principal: { type: 'service', subject: 'plugin:catalog' },
      }),
    };
  }
}

function capacityOf(
  gpus: Map<string, Record<string, number>>,
  only?: string[],
): CapacityResponse {
  const figures = (total: number) => ({
    total,
    allocated: 0,
    free: total,
    unavailable: 0,
    nodes: 1,
    clusters: 1,
    allocatedCostPerHour: null,
    idleCostPerHour: null,
  });
  const rows = [...gpus.entries()]
    .filter(([name]) => !only || only.includes(name))
    .flatMap(([name, types]) =>
      Object.entries(types).map(([gpuType, total]) => ({
        key: { cluster: name, gpuType },
        ...figures(total),
      })),
    );
  return {
    groupBy: ['cluster', 'gpuType'],
    rows,
    totals: figures(rows.reduce((sum, r) => sum + r.total, 0)),
    currency: 'USD',
    generatedAt: AT,
  };
}
