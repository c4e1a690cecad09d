import { AGENT_NAMESPACE, AGENT_RELEASE } from '../agentInstall';
import { parseGpuProduct } from '../labels/gpuTypes';
import type { ProviderId } from '../providers';
import type { Workspace } from './types';

/** On every object GPU Fleet creates; the agent's rights are scoped to namespaces carrying it. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'gpu-fleet';
/** Names the workspace a namespace belongs to. */
export const WORKSPACE_LABEL = 'gpu-fleet.io/workspace';
/** The ServiceAccount workloads run as. */
export const WORKLOAD_SERVICE_ACCOUNT = 'gpu-fleet-workload';
/** The quota GPU Fleet owns in each workspace namespace. */
export const WORKSPACE_QUOTA_NAME = 'gpu-fleet-gpu-quota';
/**
 * The ClusterRole the agent's chart installs and binds in workspace
 * namespaces only: it writes workloads there and nowhere else.
 */
export const WORKLOAD_WRITER_CLUSTER_ROLE = 'gpu-fleet-workload-writer';
/** Pods of AKS workspaces need this label for the identity webhook. */
export const AZURE_WORKLOAD_IDENTITY_POD_LABEL = 'azure.workload.identity/use';

export const GPU_QUOTA_RESOURCES = {
  nvidia: 'requests.nvidia.com/gpu',
  amd: 'requests.amd.com/gpu',
} as const;

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

function managedLabels(workspace: Workspace): Record<string, string> {
  return {
    [MANAGED_BY_LABEL]: MANAGED_BY_VALUE,
    [WORKSPACE_LABEL]: workspace.name,
  };
}

/**
 * Per GPU type in GPU Fleet; Kubernetes quotas count by resource name, so
 * the namespace's quota is each vendor's total. A vendor with no quota
 * gets 0: a workspace requests only the GPUs it was given.
 */
export function gpuQuotaHard(workspace: Workspace): Record<string, string> {
  const totals = { nvidia: 0, amd: 0 };
  for (const quota of workspace.gpuQuota) {
    const vendor = parseGpuProduct(quota.gpuType)?.vendor ?? 'nvidia';
    totals[vendor] += quota.count;
  }
  return {
    [GPU_QUOTA_RESOURCES.nvidia]: String(totals.nvidia),
    [GPU_QUOTA_RESOURCES.amd]: String(totals.amd),
  };
}

/** The workload ServiceAccount's annotations for the cluster's provider. */
export function workloadIdentityAnnotations(
  workspace: Workspace,
  provider: ProviderId,
): Record<string, string> {
  const identity = workspace.workloadIdentity;
  switch (provider) {
    case 'eks':
      return identity.awsRoleArn
        ? { 'eks.amazonaws.com/role-arn': identity.awsRoleArn }
        : {};
    case 'gke':
      return identity.gcpServiceAccount
        ? { 'iam.gke.io/gcp-service-account': identity.gcpServiceAccount }
        : {};
    case 'aks':
      return identity.azureClientId
        ? { 'azure.workload.identity/client-id': identity.azureClientId }
        : {};
    default:
      return {};
  }
}

/** Labels every pod deployed into the workspace must carry for its identity binding. */
export function workloadIdentityPodLabels(
  workspace: Workspace,
  provider: ProviderId,
): Record<string, string> {
  return provider === 'aks' && workspace.workloadIdentity.azureClientId
    ? { [AZURE_WORKLOAD_IDENTITY_POD_LABEL]: 'true' }
    : {};
}

/**
 * OKE has no ServiceAccount annotation: an IAM policy names the workload.
 * Returns the statement to paste, or undefined on other providers.
 */
export function ociWorkloadPolicyStatement(
  workspace: Workspace,
  provider: ProviderId,
): string | undefined {
  if (provider !== 'oke') return undefined;
  const compartment =
    workspace.workloadIdentity.ociCompartment ?? '<compartment>';
  const clusterId = workspace.workloadIdentity.ociClusterId ?? '<cluster OCID>';
  return (
    `Allow any-user to read objects in compartment ${compartment} where all {` +
    `request.principal.type='workload', ` +
    `request.principal.namespace='${workspace.namespace}', ` +
    `request.principal.service_account='${WORKLOAD_SERVICE_ACCOUNT}', ` +
    `request.principal.cluster_id='${clusterId}'}`
  );
}

/**
 * What a workspace is on its cluster, in the order to apply it: the
 * namespace with its Pod Security level, the GPU quota, the workload
 * ServiceAccount, and the binding that lets the agent write workloads there.
 */
export function renderWorkspaceObjects(
  workspace: Workspace,
  provider: ProviderId,
): KubeObject[] {
  const labels = managedLabels(workspace);
  const podSecurity = workspace.allowPrivileged ? 'privileged' : 'baseline';
  return [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: workspace.namespace,
        labels: {
          ...labels,
          'pod-security.kubernetes.io/enforce': podSecurity,
          'pod-security.kubernetes.io/warn': podSecurity,
          'pod-security.kubernetes.io/audit': podSecurity,
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: {
        name: WORKSPACE_QUOTA_NAME,
        namespace: workspace.namespace,
        labels,
      },
      spec: { hard: gpuQuotaHard(workspace) },
    },
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: {
        name: WORKLOAD_SERVICE_ACCOUNT,
        namespace: workspace.namespace,
        labels,
        annotations: workloadIdentityAnnotations(workspace, provider),
      },
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: {
        name: WORKLOAD_WRITER_CLUSTER_ROLE,
        namespace: workspace.namespace,
        labels,
      },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: WORKLOAD_WRITER_CLUSTER_ROLE,
      },
      subjects: [
        {
          kind: 'ServiceAccount',
          name: AGENT_RELEASE,
          namespace: AGENT_NAMESPACE,
        },
      ],
    },
  ];
}
