import { z } from 'zod';
import { addonCatalogue, AddonId } from './addons';

export const PREREQUISITE_CHECK_IDS = [
  'kubernetes-version',
  'node-headroom',
  'registry-egress',
  'wildcard-domain-tls',
  'ingress',
  'storage-classes',
  'image-registry',
  'node-labels',
  'workspace-rights',
] as const;

export type PrerequisiteCheckId = (typeof PREREQUISITE_CHECK_IDS)[number];

/** The check whose result says whether the control plane can create workspaces on the cluster. */
export const WORKSPACE_RIGHTS_CHECK_ID =
  'workspace-rights' satisfies PrerequisiteCheckId;
export type PrerequisiteStatus = 'pass' | 'fail' | 'unknown';

export interface PrerequisiteCheckDefinition {
  id: PrerequisiteCheckId;
  title: string;
  description: string;
  advice: string;
}

export const MIN_KUBERNETES_VERSION = { major: 1, minor: 28 };
export const HEADROOM = { nodes: 250, pods: 4096 };

export const prerequisiteChecks: Record<
  PrerequisiteCheckId,
  PrerequisiteCheckDefinition
> = {
  'kubernetes-version': {
    id: 'kubernetes-version',
    title: 'Kubernetes 1.28 or newer',
    description: 'The API server reports version 1.28 or later.',
    advice:
      'Upgrade the control plane (and then the node pools) to Kubernetes 1.28 or newer through your provider before attaching.',
  },
  'node-headroom': {
    id: 'node-headroom',
    title: 'Room for growth',
    description: `The cluster can grow to about ${HEADROOM.nodes} nodes and ${HEADROOM.pods} pods.`,
    advice: `Check the pod CIDR, max pods per node and the autoscaler's node limits allow about ${HEADROOM.nodes} nodes and ${HEADROOM.pods} pods; widen the pod CIDR or raise the limits if not.`,
  },
  'registry-egress': {
    id: 'registry-egress',
    title: 'Egress to container registries',
    description:
      'Nodes can pull from the registries the chosen add-ons and the agent use.',
    advice:
      'Allow HTTPS egress from the nodes (NAT gateway, firewall or proxy allow-list) to every registry listed in the details, or mirror those images into a registry the cluster reaches.',
  },
  'wildcard-domain-tls': {
    id: 'wildcard-domain-tls',
    title: 'Wildcard domain and TLS certificate',
    description:
      'A wildcard DNS record points at the cluster and a certificate covers it.',
    advice:
      'Create a wildcard DNS record (*.apps.example.com) for the ingress address and issue a certificate for it; cert-manager with an ACME issuer (DNS-01 for wildcards) is the usual way.',
  },
  ingress: {
    id: 'ingress',
    title: 'Ingress or load balancer',
    description:
      'Services can be exposed through an ingress controller or a LoadBalancer service.',
    advice:
      "Install an ingress controller (or Istio's gateway) and make sure a LoadBalancer service gets an external address from the provider.",
  },
  'storage-classes': {
    id: 'storage-classes',
    title: 'Storage for volumes and artifacts',
    description:
      'A CSI StorageClass for ReadWriteOnce volumes and one for ReadWriteMany.',
    advice:
      "Install the provider's CSI drivers and create a default RWO StorageClass and an RWX one (for example Lambda's lambda-shared, EFS, Filestore, Azure Files or OCI File Storage).",
  },
  'image-registry': {
    id: 'image-registry',
    title: 'Image registry and artifact store',
    description:
      'The cluster reaches an image registry and an artifact store for models and checkpoints.',
    advice:
      'Give the cluster pull access to your image registry and read/write access to an object store bucket for artifacts (through workload identity or a secret).',
  },
  'node-labels': {
    id: 'node-labels',
    title: 'Node-pool and GPU-type labels',
    description:
      'Every GPU node says which pool it belongs to and which GPU it has.',
    advice:
      'Node pools are discovered automatically only on EKS, GKE and AKS. Elsewhere, label every node with gpu-fleet.io/nodepool and gpu-fleet.io/gpu-type (kubectl label node NAME gpu-fleet.io/nodepool=POOL gpu-fleet.io/gpu-type=H100).',
  },
  'workspace-rights': {
    id: 'workspace-rights',
    title: "The agent's workspace rights",
    description:
      'The agent may create namespaces labelled as managed by GPU Fleet and bind the gpu-fleet-workload-writer ClusterRole in them, so the portal can create workspaces.',
    advice:
      'Upgrade the agent with its workspace rights: helm upgrade gpu-fleet-agent ... --reuse-values --set rbac.workspaces=true (the default; Kubernetes 1.30 or newer for its ValidatingAdmissionPolicy), or apply the current kustomize base (packages/agent/deploy/kustomize/base), which includes them.',
  },
};

export function requiredRegistries(
  addons: AddonId[],
  agentImageRegistry: string,
): string[] {
  const registries = new Set<string>([agentImageRegistry]);
  for (const addon of addons) {
    for (const registry of addonCatalogue[addon].registries)
      registries.add(registry);
  }
  return [...registries].sort();
}

export function parseKubernetesVersion(
  v: string,
): { major: number; minor: number } | undefined {
  // Anything after the minor version must be a patch, build or '+' suffix.
  const match = /^v?(\d+)\.(\d+)(?:[.+-]|$)/.exec(v.trim());
  return match
    ? { major: Number(match[1]), minor: Number(match[2]) }
    : undefined;
}

export function meetsMinimumKubernetesVersion(v: string): boolean {
  const parsed = parseKubernetesVersion(v);
  if (!parsed) return false;
  const { major, minor } = MIN_KUBERNETES_VERSION;
  return (
    parsed.major > major || (parsed.major === major && parsed.minor >= minor)
  );
}

export interface PrerequisiteResult {
  id: PrerequisiteCheckId;
  status: PrerequisiteStatus;
  message: string;
  details?: Record<string, unknown>;
}

export interface PrerequisiteReport {
  checks: PrerequisiteResult[];
}

export const prerequisiteReportSchema: z.ZodType<PrerequisiteReport> = z
  .strictObject({
    checks: z.array(
      z.strictObject({
        id: z.enum(PREREQUISITE_CHECK_IDS),
        status: z.enum(['pass', 'fail', 'unknown']),
        message: z.string().max(2000),
        details: z.record(z.string(), z.unknown()).optional(),
      }),
    ),
  })
  .superRefine((report, ctx) => {
    const seen = new Set<string>();
    report.checks.forEach((check, index) => {
      if (seen.has(check.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['checks', index, 'id'],
          message: `check '${check.id}' is reported more than once`,
        });
      }
      seen.add(check.id);
    });
  });
