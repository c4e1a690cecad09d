import { getProviderProfile, ProviderId } from './providers';

export const ADDON_IDS = [
  'gpu-operator',
  'argocd',
  'argo-workflows',
  'argo-rollouts',
  'kube-prometheus-stack',
  'keda',
  'istio',
  'kueue',
  'mpi-operator',
  'kuberay',
  'training-operator',
  'cert-manager',
  'victoria-logs',
] as const;

export type AddonId = (typeof ADDON_IDS)[number];

export interface AddonDefinition {
  id: AddonId;
  title: string;
  description: string;
  /** Registries the add-on's images come from; the cluster needs egress to them. */
  registries: string[];
}

export const addonCatalogue: Record<AddonId, AddonDefinition> = {
  'gpu-operator': {
    id: 'gpu-operator',
    title: 'NVIDIA GPU Operator',
    description:
      'Drivers, container toolkit, device plugin, DCGM exporter and GPU Feature Discovery',
    registries: ['nvcr.io', 'registry.k8s.io'],
  },
  argocd: {
    id: 'argocd',
    title: 'Argo CD',
    description: 'GitOps delivery: applies what a Git commit holds',
    registries: ['quay.io'],
  },
  'argo-workflows': {
    id: 'argo-workflows',
    title: 'Argo Workflows',
    description: 'DAG and step workflows for pipelines',
    registries: ['quay.io'],
  },
  'argo-rollouts': {
    id: 'argo-rollouts',
    title: 'Argo Rollouts',
    description: 'Canary and blue-green rollouts for services',
    registries: ['quay.io'],
  },
  'kube-prometheus-stack': {
    id: 'kube-prometheus-stack',
    title: 'kube-prometheus-stack',
    description: 'Prometheus, Alertmanager and Grafana with cluster dashboards',
    registries: ['quay.io', 'registry.k8s.io', 'docker.io'],
  },
  keda: {
    id: 'keda',
    title: 'KEDA',
    description:
      'Event-driven autoscaling, used to scale model servers on load',
    registries: ['ghcr.io'],
  },
  istio: {
    id: 'istio',
    title: 'Istio',
    description: 'Service mesh and ingress gateway',
    registries: ['docker.io'],
  },
  kueue: {
    id: 'kueue',
    title: 'Kueue',
    description: 'Job queueing and GPU quota for batch workloads',
    registries: ['registry.k8s.io'],
  },
  'mpi-operator': {
    id: 'mpi-operator',
    title: 'MPI Operator',
    description: 'Runs kubeflow.org/v2beta1 MPIJobs for distributed training',
    registries: ['docker.io'],
  },
  kuberay: {
    id: 'kuberay',
    title: 'KubeRay',
    description: 'Ray clusters, jobs and services',
    registries: ['quay.io'],
  },
  'training-operator': {
    id: 'training-operator',
    title: 'Kubeflow Training Operator',
    description: 'PyTorchJob and other distributed training jobs',
    registries: ['docker.io'],
  },
  'cert-manager': {
    id: 'cert-manager',
    title: 'cert-manager',
    description:
      'TLS certificates, usually from an ACME issuer, for the wildcard domain',
    registries: ['quay.io'],
  },
  'victoria-logs': {
    id: 'victoria-logs',
    title: 'VictoriaLogs with Vector',
    description:
      'Log store (VictoriaLogs) with Vector shipping container logs to it',
    registries: ['docker.io'],
  },
};

export function isAddonId(value: string): value is AddonId {
  return (ADDON_IDS as readonly string[]).includes(value);
}

export interface AddonSelectionIssue {
  field: string;
  addon: AddonId;
  message: string;
}

/** Managed add-ons are refused unless the request overrides them by name. */
export function checkAddonSelection(
  provider: ProviderId,
  addons: AddonId[],
  overrideManagedAddons: AddonId[] = [],
): AddonSelectionIssue[] {
  const profile = getProviderProfile(provider);
  const issues: AddonSelectionIssue[] = [];
  addons.forEach((addon, index) => {
    const managed = profile.managedAddons.find(m => m.addon === addon);
    if (managed && !overrideManagedAddons.includes(addon)) {
      issues.push({
        field: `addons[${index}]`,
        addon,
        message: `${profile.title} manages ${addonCatalogue[addon].title} itself (${managed.reason}); installing a second one would conflict. To install it anyway, set overrideManagedAddons to include '${addon}'`,
      });
    }
  });
  return issues;
}

export function defaultAddonsFor(provider: ProviderId): AddonId[] {
  return [...getProviderProfile(provider).defaultAddons];
}

export function addonOverlapWarnings(
  provider: ProviderId,
  addons: AddonId[],
): string[] {
  const profile = getProviderProfile(provider);
  return profile.managedAddons
    .filter(managed => addons.includes(managed.addon))
    .map(
      managed =>
        `${addonCatalogue[managed.addon].title} is selected, but ${
          profile.title
        } already manages it (${managed.reason}): both would install it`,
    );
}
