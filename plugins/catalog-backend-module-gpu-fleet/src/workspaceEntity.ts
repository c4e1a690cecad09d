import { Entity } from '@backstage/catalog-model';
import {
  GPU_FLEET_CLUSTER_ANNOTATION,
  GPU_FLEET_WORKSPACE_ANNOTATION,
  Workspace,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { validLabels } from './catalogWords';
import {
  clusterEntityRef,
  WORKSPACE_RESOURCE_TYPE,
  workspaceEntityName,
} from './entityNames';
import { locationAnnotations } from './locationAnnotations';
import { PortalLinks } from './portalLinks';

/** One Resource per workspace, depending on its cluster, owned by its admins' group. */
export function workspaceEntity(
  workspace: Workspace,
  owner: string,
  links: PortalLinks,
): Entity {
  const page = links.workspace(workspace.name);
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      ...workspaceEntityName(workspace.name),
      title: workspace.displayName,
      description:
        workspace.description ??
        `GPU Fleet workspace: namespace ${workspace.namespace} on cluster ${workspace.cluster}`,
      annotations: {
        ...locationAnnotations(page),
        [GPU_FLEET_WORKSPACE_ANNOTATION]: workspace.name,
        [GPU_FLEET_CLUSTER_ANNOTATION]: workspace.cluster,
      },
      labels: validLabels({ 'gpu-fleet.io/cluster': workspace.cluster }),
      links: [
        { url: page, title: 'Workspace in GPU Fleet', icon: 'dashboard' },
      ],
    },
    spec: {
      type: WORKSPACE_RESOURCE_TYPE,
      owner,
      dependsOn: [clusterEntityRef(workspace.cluster)],
    },
  };
}
