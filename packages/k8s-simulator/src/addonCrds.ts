/** CRDs and namespaces of the add-ons GPU Fleet deploys through (KEDA, Argo CD, Kueue), installed by a scenario's `addons`. */

import { KubeObject } from './kubeObject';

interface CrdSpec {
  group: string;
  version: string;
  kind: string;
  plural: string;
  shortNames?: string[];
  categories?: string[];
  scope?: 'Namespaced' | 'Cluster';
  status?: boolean;
  columns?: Array<{
    name: string;
    type: string;
    jsonPath: string;
    priority?: number;
  }>;
}

/** A CRD that keeps whatever spec and status it is given: of these add-ons' controllers the simulator runs Argo CD's only. */
function crd(spec: CrdSpec): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${spec.plural}.${spec.group}` },
    spec: {
      group: spec.group,
      names: {
        kind: spec.kind,
        listKind: `${spec.kind}List`,
        plural: spec.plural,
        singular: spec.kind.toLowerCase(),
        ...(spec.shortNames ? { shortNames: spec.shortNames } : {}),
        ...(spec.categories ? { categories: spec.categories } : {}),
      },
      scope: spec.scope ?? 'Namespaced',
      versions: [
        {
          name: spec.version,
          served: true,
          storage: true,
          ...(spec.status === false ? {} : { subresources: { status: {} } }),
          ...(spec.columns ? { additionalPrinterColumns: spec.columns } : {}),
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                apiVersion: { type: 'string' },
                kind: { type: 'string' },
                metadata: { type: 'object' },
                spec: {
                  type: 'object',
                  'x-kubernetes-preserve-unknown-fields': true,
                },
                status: {
                  type: 'object',
                  'x-kubernetes-preserve-unknown-fields': true,
                },
              },
            },
          },
        },
      ],
    },
  };
}

const AGE = {
  name: 'Age',
  type: 'date',
  jsonPath: '.metadata.creationTimestamp',
};
const READY = {
  name: 'Ready',
  type: 'string',
  jsonPath: '.status.conditions[?(@.type=="Ready")].status',
};

const KEDA = [
  crd({
    group: 'keda.sh',
    version: 'v1alpha1',
    kind: 'ScaledObject',
    plural: 'scaledobjects',
    shortNames: ['so'],
    columns: [
      {
        name: 'ScaleTargetKind',
        type: 'string',
        jsonPath: '.status.scaleTargetKind',
      },
      {
        name: 'ScaleTargetName',
        type: 'string',
        jsonPath: '.spec.scaleTargetRef.name',
      },
      { name: 'Min', type: 'integer', jsonPath: '.spec.minReplicaCount' },
      { name: 'Max', type: 'integer', jsonPath: '.spec.maxReplicaCount' },
      { name: 'Triggers', type: 'string', jsonPath: '.spec.triggers[*].type' },
      READY,
      AGE,
    ],
  }),
  crd({
    group: 'keda.sh',
    version: 'v1alpha1',
    kind: 'TriggerAuthentication',
    plural: 'triggerauthentications',
    shortNames: ['ta', 'triggerauth'],
  }),
];

const ARGOCD = [
  crd({
    group: 'argoproj.io',
    version: 'v1alpha1',
    kind: 'Application',
    plural: 'applications',
    shortNames: ['app', 'apps'],
    // Argo CD writes an Application's status through the main resource.
    status: false,
    columns: [
      { name: 'Sync Status', type: 'string', jsonPath: '.status.sync.status' },
      {
        name: 'Health Status',
        type: 'string',
        jsonPath: '.status.health.status',
      },
      {
        name: 'Revision',
        type: 'string',
        jsonPath: '.status.sync.revision',
        priority: 10,
      },
    ],
  }),
  crd({
    group: 'argoproj.io',
    version: 'v1alpha1',
    kind: 'AppProject',
    plural: 'appprojects',
    shortNames: ['appproj', 'appprojs'],
    status: false,
  }),
];

const KUEUE = [
  crd({
    group: 'kueue.x-k8s.io',
    version: 'v1beta1',
    kind: 'ResourceFlavor',
    plural: 'resourceflavors',
    shortNames: ['flavor', 'flavors', 'rf'],
    scope: 'Cluster',
    status: false,
  }),
  crd({
    group: 'kueue.x-k8s.io',
    version: 'v1beta1',
    kind: 'ClusterQueue',
    plural: 'clusterqueues',
    shortNames: ['cq'],
    scope: 'Cluster',
    columns: [
      { name: 'Cohort', type: 'string', jsonPath: '.spec.cohort' },
      {
        name: 'Strategy',
        type: 'string',
        jsonPath: '.spec.queueingStrategy',
        priority: 1,
      },
      {
        name: 'Pending Workloads',
        type: 'integer',
        jsonPath: '.status.pendingWorkloads',
      },
      {
        name: 'Admitted Workloads',
        type: 'integer',
        jsonPath: '.status.admittedWorkloads',
        priority: 1,
      },
    ],
  }),
  crd({
    group: 'kueue.x-k8s.io',
    version: 'v1beta1',
    kind: 'LocalQueue',
    plural: 'localqueues',
    shortNames: ['queue', 'queues', 'lq'],
    columns: [
      { name: 'ClusterQueue', type: 'string', jsonPath: '.spec.clusterQueue' },
      {
        name: 'Pending Workloads',
        type: 'integer',
        jsonPath: '.status.pendingWorkloads',
      },
      {
        name: 'Admitted Workloads',
        type: 'integer',
        jsonPath: '.status.admittedWorkloads',
      },
    ],
  }),
];

/**
 * The CRDs each add-on installs. Add-ons not listed here (cert-manager,
 * gpu-operator, ...) install nothing; the MPI Operator's MPIJob CRD is
 * preinstalled on every simulator.
 */
export const ADDON_CRDS: Readonly<Record<string, KubeObject[]>> = {
  keda: KEDA,
  argocd: ARGOCD,
  kueue: KUEUE,
};

export function addonCrds(addons: string[]): KubeObject[] {
  return addons.flatMap(addon => ADDON_CRDS[addon] ?? []);
}

/** Namespaces an add-on's install creates: Argo CD reconciles Applications in its own only. */
const ADDON_NAMESPACES: Readonly<Record<string, string[]>> = {
  argocd: ['argocd'],
};

export function addonNamespaces(addons: string[]): string[] {
  return addons.flatMap(addon => ADDON_NAMESPACES[addon] ?? []);
}
