import { Entity } from '@backstage/catalog-model';
import {
  Cluster,
  GPU_FLEET_CLUSTER_ANNOTATION,
  getProviderProfile,
  isProviderId,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { validLabels, validTags } from './catalogWords';
import { CLUSTER_RESOURCE_TYPE, clusterEntityName } from './entityNames';
import { locationAnnotations } from './locationAnnotations';
import { PortalLinks } from './portalLinks';

/** GPUs of one type on a cluster, as its nodes report them. */
export interface GpuCount {
  type: string;
  count: number;
}

function providerTitle(provider: string): string {
  return isProviderId(provider) ? getProviderProfile(provider).title : provider;
}

/** `16 × H100, 8 × A100-80GB`, or that none are reported. */
export function gpuSummary(gpus: GpuCount[]): string {
  return gpus.length
    ? gpus.map(g => `${g.count} × ${g.type}`).join(', ')
    : 'no GPUs reported';
}

/**
 * One Resource per attached cluster. Provider, region and status are labels
 * (the catalog filters on them); GPU types and counts are in `spec.gpus`.
 */
export function clusterEntity(
  cluster: Cluster,
  gpus: GpuCount[],
  owner: string,
  links: PortalLinks,
): Entity {
  const page = links.cluster(cluster.name);
  const where = cluster.region ? ` in ${cluster.region}` : '';
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      ...clusterEntityName(cluster.name),
      title: cluster.displayName,
      description:
        cluster.description ??
        `${providerTitle(cluster.provider)} cluster${where}: ${gpuSummary(
          gpus,
        )}`,
      annotations: {
        ...locationAnnotations(page),
        [GPU_FLEET_CLUSTER_ANNOTATION]: cluster.name,
      },
      labels: validLabels({
        'gpu-fleet.io/provider': cluster.provider,
        'gpu-fleet.io/region': cluster.region,
        'gpu-fleet.io/status': cluster.status,
      }),
      tags: validTags(['gpu', cluster.provider, ...gpus.map(g => g.type)]),
      links: [{ url: page, title: 'Cluster in GPU Fleet', icon: 'dashboard' }],
    },
    spec: {
      type: CLUSTER_RESOURCE_TYPE,
      owner,
      gpus: gpus.map(g => ({ type: g.type, count: g.count })),
    },
  };
}
