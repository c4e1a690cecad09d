import { Entity } from '@backstage/catalog-model';
import {
  CapacityResponse,
  Cluster,
  DeploymentRecord,
  Workspace,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { clusterEntity, GpuCount } from './clusterEntity';
import { deploymentEntity } from './deploymentEntity';
import {
  clusterEntityRef,
  deploymentEntityRef,
  workspaceEntityRef,
} from './entityNames';
import { clusterOwner, workspaceOwner } from './owners';
import { PortalLinks } from './portalLinks';
import { workspaceEntity } from './workspaceEntity';

/** Part of the fleet, or all of it, as read from the gpu-fleet backend. */
export interface FleetSnapshot {
  /** The subjects: each becomes an entity, or is named as absent. */
  clusters: Cluster[];
  workspaces: Workspace[];
  deployments: DeploymentRecord[];
  /** What the subjects refer to, when it is not a subject itself. */
  related: { clusters: Cluster[]; workspaces: Workspace[] };
  /** Total GPUs per cluster and type. */
  gpus: Map<string, GpuCount[]>;
}

export interface FleetEntities {
  /** What belongs in the catalog. */
  entities: Entity[];
  /** Refs of subjects that must leave it: detached clusters and what depends on them. */
  absent: string[];
}

export interface FleetEntityOptions {
  links: PortalLinks;
  /** From config; unset means whoever attached each cluster. */
  clusterOwner?: string;
}

/** Total GPUs per cluster and type, largest first; GPUs of no known type are left out. */
export function gpusByCluster(
  capacity: CapacityResponse,
): Map<string, GpuCount[]> {
  const byCluster = new Map<string, GpuCount[]>();
  for (const row of capacity.rows) {
    const { cluster, gpuType } = row.key;
    if (!cluster || !gpuType || gpuType === 'unknown' || row.total <= 0) {
      continue;
    }
    const list = byCluster.get(cluster) ?? [];
    list.push({ type: gpuType, count: row.total });
    byCluster.set(cluster, list);
  }
  for (const list of byCluster.values()) {
    list.sort((a, b) => b.count - a.count || a.type.localeCompare(b.type));
  }
  return byCluster;
}

/**
 * The entities of a snapshot. An entity appears only while what it depends
 * on appears: a workspace while its cluster is attached, a deployment while
 * its workspace appears and the cluster it runs on is attached. So a
 * detached cluster takes its workspaces and their deployments out of the
 * catalog, and re-attaching it brings them back.
 */
export function fleetEntities(
  snapshot: FleetSnapshot,
  options: FleetEntityOptions,
): FleetEntities {
  const clusters = new Map(
    [...snapshot.related.clusters, ...snapshot.clusters].map(c => [c.name, c]),
  );
  const workspaces = new Map(
    [...snapshot.related.workspaces, ...snapshot.workspaces].map(w => [
      w.name,
      w,
    ]),
  );
  const attached = (name: string) => {
    const cluster = clusters.get(name);
    return cluster && !cluster.detachedAt ? cluster : undefined;
  };
  const ownerOf = (workspace: Workspace, cluster: Cluster) =>
    workspaceOwner(workspace, clusterOwner(cluster, options.clusterOwner));

  const entities: Entity[] = [];
  const absent: string[] = [];
  for (const cluster of snapshot.clusters) {
    if (attached(cluster.name)) {
      entities.push(
        clusterEntity(
          cluster,
          snapshot.gpus.get(cluster.name) ?? [],
          clusterOwner(cluster, options.clusterOwner),
          options.links,
        ),
      );
    } else {
      absent.push(clusterEntityRef(cluster.name));
    }
  }
  for (const workspace of snapshot.workspaces) {
    const cluster = attached(workspace.cluster);
    if (cluster) {
      entities.push(
        workspaceEntity(workspace, ownerOf(workspace, cluster), options.links),
      );
    } else {
      absent.push(workspaceEntityRef(workspace.name));
    }
  }
  for (const record of snapshot.deployments) {
    const workspace = workspaces.get(record.workspace);
    const home = workspace && attached(workspace.cluster);
    if (workspace && home && attached(record.cluster)) {
      entities.push(
        deploymentEntity(
          record,
          workspace,
          ownerOf(workspace, home),
          options.links,
        ),
      );
    } else {
      absent.push(deploymentEntityRef(record.workspace, record.name));
    }
  }
  return { entities, absent };
}
