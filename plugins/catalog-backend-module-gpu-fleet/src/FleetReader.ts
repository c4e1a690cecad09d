import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  Cluster,
  DeploymentRecord,
  Workspace,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import {
  CapacityService,
  ClusterRegistryService,
  DeploymentsService,
  GpuFleetRegistryEvent,
  WorkspacesService,
} from '@gpu-fleet/plugin-gpu-fleet-node';
import {
  clusterEntityRef,
  deploymentEntityRef,
  workspaceEntityRef,
} from './entityNames';
import { FleetSnapshot, gpusByCluster } from './fleetEntities';

/** A snapshot, and the refs of subjects the backend no longer knows. */
export interface FleetRead {
  snapshot: FleetSnapshot;
  missing: string[];
}

export interface FleetReaderDeps {
  clusters: Pick<ClusterRegistryService, 'listClusters' | 'getCluster'>;
  workspaces: WorkspacesService;
  deployments: Pick<DeploymentsService, 'list' | 'get'>;
  capacity: CapacityService;
  /** The provider's own service credentials, for the deployments API. */
  credentials: () => Promise<BackstageCredentials>;
}

const keyOf = (d: { workspace: string; name: string }) =>
  `${d.workspace}/${d.name}`;

function unique<T>(items: T[], key: (item: T) => string): T[] {
  return [...new Map(items.map(item => [key(item), item])).values()];
}

/**
 * Reads the fleet over GPU Fleet's REST API: all of it for a full refresh,
 * or what one change touches (the subject, what depends on it, and what it
 * depends on) for a delta.
 */
export class FleetReader {
  constructor(private readonly deps: FleetReaderDeps) {}

  async all(): Promise<FleetRead> {
    const credentials = await this.deps.credentials();
    const [clusters, workspaces, deployments, capacity] = await Promise.all([
      this.deps.clusters.listClusters(),
      this.deps.workspaces.listWorkspaces(),
      this.deps.deployments.list({ credentials }),
      this.deps.capacity.getCapacity(['cluster', 'gpuType']),
    ]);
    return {
      snapshot: {
        clusters,
        workspaces,
        deployments,
        related: { clusters: [], workspaces: [] },
        gpus: gpusByCluster(capacity),
      },
      missing: [],
    };
  }

  /** What one event touches. */
  changed(event: GpuFleetRegistryEvent): Promise<FleetRead> {
    switch (event.kind) {
      case 'cluster':
        return this.cluster(event.name);
      case 'workspace':
        return this.workspace(event.name);
      default:
        return this.deployment(event.workspace, event.name);
    }
  }

  /** The cluster, its workspaces, and every deployment in them or running on it. */
  async cluster(name: string): Promise<FleetRead> {
    const credentials = await this.deps.credentials();
    const [cluster, workspaces, runningHere, capacity] = await Promise.all([
      this.deps.clusters.getCluster(name),
      this.deps.workspaces.listWorkspaces({ cluster: name }),
      this.deps.deployments.list({ credentials, cluster: name }),
      this.deps.capacity.getCapacity(['cluster', 'gpuType'], {
        cluster: [name],
      }),
    ]);
    const inWorkspaces = await Promise.all(
      workspaces.map(w =>
        this.deps.deployments.list({ credentials, workspace: w.name }),
      ),
    );
    return this.withRelated(
      {
        clusters: cluster ? [cluster] : [],
        workspaces,
        deployments: unique([...runningHere, ...inWorkspaces.flat()], keyOf),
        gpus: gpusByCluster(capacity),
      },
      cluster ? [] : [clusterEntityRef(name)],
    );
  }

  /** The workspace and its deployments. */
  async workspace(name: string): Promise<FleetRead> {
    const credentials = await this.deps.credentials();
    const [workspace, deployments] = await Promise.all([
      this.deps.workspaces.getWorkspace(name),
      this.deps.deployments.list({ credentials, workspace: name }),
    ]);
    return this.withRelated(
      {
        clusters: [],
        workspaces: workspace ? [workspace] : [],
        deployments,
        gpus: new Map(),
      },
      workspace ? [] : [workspaceEntityRef(name)],
    );
  }

  async deployment(workspace: string, name: string): Promise<FleetRead> {
    const credentials = await this.deps.credentials();
    const deployment = await this.deps.deployments.get(
      { workspace, name },
      { credentials },
    );
    return this.withRelated(
      {
        clusters: [],
        workspaces: [],
        deployments: deployment ? [deployment] : [],
        gpus: new Map(),
      },
      deployment ? [] : [deploymentEntityRef(workspace, name)],
    );
  }

  /** Adds the workspaces and clusters the subjects refer to. */
  private async withRelated(
    subjects: Omit<FleetSnapshot, 'related'>,
    missing: string[],
  ): Promise<FleetRead> {
    const knownWorkspaces = new Set(subjects.workspaces.map(w => w.name));
    const workspaceNames = [
      ...new Set(subjects.deployments.map(d => d.workspace)),
    ].filter(name => !knownWorkspaces.has(name));
    const relatedWorkspaces = (
      await Promise.all(
        workspaceNames.map(name => this.deps.workspaces.getWorkspace(name)),
      )
    ).filter((w): w is Workspace => Boolean(w));

    const knownClusters = new Set(subjects.clusters.map(c => c.name));
    const clusterNames = [
      ...new Set([
        ...[...subjects.workspaces, ...relatedWorkspaces].map(w => w.cluster),
        ...subjects.deployments.map((d: DeploymentRecord) => d.cluster),
      ]),
    ].filter(name => !knownClusters.has(name));
    const relatedClusters = (
      await Promise.all(
        clusterNames.map(name => this.deps.clusters.getCluster(name)),
      )
    ).filter((c): c is Cluster => Boolean(c));

    return {
      snapshot: {
        ...subjects,
        related: { clusters: relatedClusters, workspaces: relatedWorkspaces },
      },
      missing,
    };
  }
}
