import { Entity } from '@backstage/catalog-model';
import {
  DEPLOYMENT_LABEL,
  DeploymentRecord,
  GPU_FLEET_CLUSTER_ANNOTATION,
  GPU_FLEET_DEPLOYMENT_ANNOTATION,
  GPU_FLEET_WORKSPACE_ANNOTATION,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  Workspace,
  WORKSPACE_LABEL,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { validLabels, validTags } from './catalogWords';
import {
  clusterEntityRef,
  deploymentEntityName,
  workspaceEntityRef,
} from './entityNames';
import { locationAnnotations } from './locationAnnotations';
import { PortalLinks } from './portalLinks';

/** What the stock Kubernetes tab reads (@backstage/plugin-kubernetes-common). */
export const KUBERNETES_ID_ANNOTATION = 'backstage.io/kubernetes-id';
export const KUBERNETES_NAMESPACE_ANNOTATION =
  'backstage.io/kubernetes-namespace';
export const KUBERNETES_LABEL_SELECTOR_ANNOTATION =
  'backstage.io/kubernetes-label-selector';
export const KUBERNETES_CLUSTER_ANNOTATION = 'backstage.io/kubernetes-cluster';

/**
 * Matches the labels the renderers put on every object of a deployment and
 * on its pods (deploymentLabels in gpu-fleet-common), so the Kubernetes tab
 * finds exactly this deployment's objects.
 */
export function deploymentLabelSelector(
  workspace: string,
  deployment: string,
): string {
  return [
    `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`,
    `${WORKSPACE_LABEL}=${workspace}`,
    `${DEPLOYMENT_LABEL}=${deployment}`,
  ].join(',');
}

function describe(record: DeploymentRecord): string {
  const { manifest } = record;
  const gpu = manifest.resources.gpu;
  if (manifest.template === 'mpijob' && manifest.mpi) {
    return `MPIJob training run: ${manifest.mpi.workers} workers × ${manifest.mpi.gpusPerWorker} ${gpu.type}`;
  }
  const model = manifest.model ? ` serving ${manifest.model}` : '';
  return `vLLM service${model} on ${gpu.count} × ${gpu.type} per replica`;
}

/**
 * One Component per deployment, in the catalog namespace of its workspace,
 * owned as the workspace is, and depending on the cluster it runs on (which
 * a retarget changes) and on its workspace.
 */
export function deploymentEntity(
  record: DeploymentRecord,
  workspace: Workspace,
  owner: string,
  links: PortalLinks,
): Entity {
  const page = links.deployment(record.workspace, record.name);
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      ...deploymentEntityName(record.workspace, record.name),
      title: `${record.name} (${workspace.displayName})`,
      description: describe(record),
      annotations: {
        ...locationAnnotations(page),
        [GPU_FLEET_DEPLOYMENT_ANNOTATION]: record.name,
        [GPU_FLEET_WORKSPACE_ANNOTATION]: record.workspace,
        [GPU_FLEET_CLUSTER_ANNOTATION]: record.cluster,
        [KUBERNETES_ID_ANNOTATION]: record.name,
        [KUBERNETES_NAMESPACE_ANNOTATION]: record.namespace,
        [KUBERNETES_LABEL_SELECTOR_ANNOTATION]: deploymentLabelSelector(
          record.workspace,
          record.name,
        ),
        [KUBERNETES_CLUSTER_ANNOTATION]: record.cluster,
      },
      labels: validLabels({
        'gpu-fleet.io/template': record.template,
        'gpu-fleet.io/gpu-type': record.manifest.resources.gpu.type,
        'gpu-fleet.io/cluster': record.cluster,
      }),
      tags: validTags([record.template, record.manifest.resources.gpu.type]),
      links: [
        { url: page, title: 'Deployment in GPU Fleet', icon: 'dashboard' },
      ],
    },
    spec: {
      type: record.kind === 'Job' ? 'job' : 'service',
      lifecycle: 'production',
      owner,
      dependsOn: [
        clusterEntityRef(record.cluster),
        workspaceEntityRef(record.workspace),
      ],
    },
  };
}
