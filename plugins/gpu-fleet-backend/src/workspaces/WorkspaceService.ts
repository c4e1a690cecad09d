import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  CreateWorkspaceRequest,
  DEPLOYMENT_LABEL,
  GPU_QUOTA_RESOURCES,
  renderWorkspaceObjects,
  UpdateWorkspaceRequest,
  Workspace,
  WORKLOAD_SERVICE_ACCOUNT,
  WORKSPACE_RIGHTS_CHECK_ID,
  WORKSPACE_QUOTA_NAME,
  WorkspaceNamespaceState,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import {
  IGNORED_CHANGES,
  RegistryChanges,
} from '../events/RegistryEventPublisher';
import { ClusterRegistry } from '../registry/ClusterRegistry';
import { ClusterStore } from '../registry/ClusterStore';
import { WorkspaceKube } from './workspaceKube';
import { WorkspaceStore } from './WorkspaceStore';

// Objects deployments leave in a namespace; a workspace holding any is not deleted.
const DEPLOYMENT_KINDS = [
  '/apis/apps/v1/namespaces/{ns}/deployments',
  '/apis/batch/v1/namespaces/{ns}/jobs',
  '/apis/kubeflow.org/v2beta1/namespaces/{ns}/mpijobs',
];

function settingsChanged(request: UpdateWorkspaceRequest): boolean {
  return (
    request.allowPrivileged !== undefined ||
    request.gpuQuota !== undefined ||
    request.workloadIdentity !== undefined
  );
}

/**
 * Workspaces: their rows and their namespaces. The cluster is changed
 * first and the database only once the cluster took it, so a failure
 * leaves no workspace that exists in one and not the other.
 */
export class WorkspaceService {
  constructor(
    private readonly store: WorkspaceStore,
    private readonly registry: ClusterRegistry,
    private readonly clusters: ClusterStore,
    private readonly kube: WorkspaceKube,
    private readonly changes: RegistryChanges = IGNORED_CHANGES,
  ) {}

  find(name: string): Promise<Workspace | undefined> {
    return this.store.get(name);
  }

  async get(name: string): Promise<Workspace> {
    const workspace = await this.store.get(name);
    if (!workspace) throw new NotFoundError(`workspace '${name}' not found`);
    return workspace;
  }

  async create(
    request: CreateWorkspaceRequest,
    actor: string,
  ): Promise<Workspace> {
    const cluster = await this.attachedCluster(request.cluster);
    const namespace = request.namespace ?? request.name;
    if (await this.store.get(request.name)) {
      throw new ConflictError(
        `name: workspace '${request.name}' already exists`,
      );
    }
    const taken = await this.store.getByNamespace(cluster.name, namespace);
    if (taken) {
      throw new ConflictError(
        `namespace: '${namespace}' on cluster '${cluster.name}' is already workspace '${taken.name}'`,
      );
    }
    await this.refuseWithoutRights(cluster.name);
    const now = new Date();
    const workspace: Workspace = {
      name: request.name,
      cluster: cluster.name,
      namespace,
      displayName: request.displayName ?? request.name,
      description: request.description ?? null,
      allowPrivileged: request.allowPrivileged,
      gpuQuota: request.gpuQuota,
      defaults: request.defaults,
      workloadIdentity: request.workloadIdentity,
      members: request.members,
      createdBy: actor,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
    const existed = await this.kube.managedNamespace(cluster.name, namespace);
    try {
      for (const object of renderWorkspaceObjects(
        workspace,
        cluster.provider,
      )) {
        await this.kube.apply(cluster.name, object);
      }
      await this.store.transaction(async trx => {
        await this.store.insert(trx, workspace, now);
        await this.clusters.appendAudit(
          trx,
          {
            cluster: cluster.name,
            actor,
            action: 'workspace.create',
            details: { workspace: workspace.name, namespace },
          },
          now,
        );
      });
    } catch (error) {
      // Nothing half made: a namespace created here goes again.
      if (!existed) {
        await this.kube
          .delete(cluster.name, `/api/v1/namespaces/${namespace}`)
          .catch(() => undefined);
      }
      throw error;
    }
    this.changes.changed({
      kind: 'workspace',
      name: workspace.name,
      action: 'created',
    });
    return this.get(workspace.name);
  }

  async update(
    name: string,
    request: UpdateWorkspaceRequest,
    actor: string,
  ): Promise<Workspace> {
    const current = await this.get(name);
    const next: Workspace = {
      ...current,
      displayName: request.displayName ?? current.displayName,
      description:
        request.description !== undefined
          ? request.description
          : current.description,
      allowPrivileged: request.allowPrivileged ?? current.allowPrivileged,
      gpuQuota: request.gpuQuota ?? current.gpuQuota,
      defaults: request.defaults ?? current.defaults,
      workloadIdentity: request.workloadIdentity ?? current.workloadIdentity,
      members: request.members ?? current.members,
    };
    // Members and words live only here; the rest is on the cluster too.
    if (settingsChanged(request)) {
      const cluster = await this.attachedCluster(current.cluster);
      await this.refuseWithoutRights(cluster.name);
      await this.kube.managedNamespace(cluster.name, current.namespace);
      for (const object of renderWorkspaceObjects(next, cluster.provider)) {
        await this.kube.apply(cluster.name, object);
      }
    }
    const now = new Date();
    await this.store.transaction(async trx => {
      await this.store.update(trx, next, now);
      await this.clusters.appendAudit(
        trx,
        {
          cluster: current.cluster,
          actor,
          action: 'workspace.update',
          details: { workspace: name, fields: Object.keys(request) },
        },
        now,
      );
    });
    this.changes.changed({ kind: 'workspace', name, action: 'updated' });
    return this.get(name);
  }

  async delete(name: string, actor: string): Promise<void> {
    const workspace = await this.get(name);
    const namespacePath = `/api/v1/namespaces/${workspace.namespace}`;
    const namespace = await this.kube.managedNamespace(
      workspace.cluster,
      workspace.namespace,
    );
    if (namespace) {
      const deployments = await this.deploymentsIn(workspace);
      if (deployments.length > 0) {
        throw new ConflictError(
          `workspace '${name}' still has deployments (${deployments.join(
            ', ',
          )}): delete them first`,
        );
      }
      await this.kube.delete(workspace.cluster, namespacePath);
    }
    const now = new Date();
    await this.store.transaction(async trx => {
      await this.store.delete(trx, name);
      await this.clusters.appendAudit(
        trx,
        {
          cluster: workspace.cluster,
          actor,
          action: 'workspace.delete',
          details: { workspace: name, namespace: workspace.namespace },
        },
        now,
      );
    });
    this.changes.changed({ kind: 'workspace', name, action: 'deleted' });
  }

  /** The namespace, its quota against use and its ServiceAccount, read live. */
  async namespaceState(name: string): Promise<WorkspaceNamespaceState> {
    const workspace = await this.get(name);
    const ns = encodeURIComponent(workspace.namespace);
    const empty: WorkspaceNamespaceState = {
      reachable: false,
      message: null,
      namespace: { exists: false, phase: null, podSecurity: null },
      quota: [],
      serviceAccount: {
        name: WORKLOAD_SERVICE_ACCOUNT,
        exists: false,
        annotations: {},
      },
    };
    try {
      const [namespace, quota, serviceAccount] = await Promise.all([
        this.kube.get(workspace.cluster, `/api/v1/namespaces/${ns}`),
        this.kube.get(
          workspace.cluster,
          `/api/v1/namespaces/${ns}/resourcequotas/${WORKSPACE_QUOTA_NAME}`,
        ),
        this.kube.get(
          workspace.cluster,
          `/api/v1/namespaces/${ns}/serviceaccounts/${WORKLOAD_SERVICE_ACCOUNT}`,
        ),
      ]);
      const hard = quota?.status?.hard ?? quota?.spec?.hard ?? {};
      const used = quota?.status?.used ?? {};
      return {
        reachable: true,
        message: null,
        namespace: {
          exists: Boolean(namespace),
          phase: namespace?.status?.phase ?? null,
          podSecurity:
            namespace?.metadata?.labels?.[
              'pod-security.kubernetes.io/enforce'
            ] ?? null,
        },
        quota: Object.values(GPU_QUOTA_RESOURCES)
          .filter(resource => hard[resource] !== undefined)
          .map(resource => ({
            resource,
            hard: String(hard[resource]),
            used: String(used[resource] ?? '0'),
          })),
        serviceAccount: {
          name: WORKLOAD_SERVICE_ACCOUNT,
          exists: Boolean(serviceAccount),
          annotations: serviceAccount?.metadata?.annotations ?? {},
        },
      };
    } catch (error) {
      return { ...empty, message: (error as Error).message };
    }
  }

  private async attachedCluster(name: string) {
    const cluster = await this.registry.get(name).catch(error => {
      if (error instanceof NotFoundError) {
        throw new InputError(`cluster: no attached cluster '${name}'`);
      }
      throw error;
    });
    if (cluster.detachedAt) {
      throw new InputError(`cluster: '${name}' is detached`);
    }
    return cluster;
  }

  private async refuseWithoutRights(cluster: string) {
    const checks = await this.registry.prerequisites(cluster);
    const rights = checks.find(c => c.id === WORKSPACE_RIGHTS_CHECK_ID);
    if (rights?.status === 'fail') {
      // The check's own message starts with WORKSPACE_RIGHTS_MESSAGE.
      throw new ConflictError(rights.message);
    }
  }

  private async deploymentsIn(workspace: Workspace): Promise<string[]> {
    const names: string[] = [];
    for (const template of DEPLOYMENT_KINDS) {
      const list = await this.kube.get(
        workspace.cluster,
        `${template.replace(
          '{ns}',
          workspace.namespace,
        )}?labelSelector=${encodeURIComponent(DEPLOYMENT_LABEL)}`,
      );
      for (const item of list?.items ?? []) {
        names.push(
          item.metadata?.labels?.[DEPLOYMENT_LABEL] ?? item.metadata?.name,
        );
      }
    }
    return [...new Set(names)];
  }
}
