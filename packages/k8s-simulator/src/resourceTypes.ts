/** Descriptions of every resource the simulator serves, built-in and CRD-defined. */

import { JsonObject } from './kubeObject';

export const STANDARD_VERBS = [
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
  'watch',
];

/** A column from a CRD's additionalPrinterColumns. */
export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  description?: string;
  priority?: number;
  format?: string;
}

/** @public */
export interface ResourceType {
  /** '' for the core group. */
  group: string;
  version: string;
  plural: string;
  singular: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  /** Subresources served under `<name>/<subresource>`. */
  subresources: string[];
  /** Whether metadata.generation is tracked (objects with a spec users change). */
  hasGeneration: boolean;
  /** Pods, services and namespaces return the object on delete; the rest a Status. */
  returnDeletedObject: boolean;
  /** Events may be created by PUT; everything else answers 404. */
  allowCreateOnUpdate: boolean;
  /** RBAC objects only need to be a valid URL path segment (e.g. `system:viewer`). */
  nameRule: 'subdomain' | 'label' | 'dns1035' | 'pathSegment';
  /** Field selector paths beyond metadata.name and metadata.namespace. */
  fieldSelectors: string[];
  /** Set when the type comes from a CustomResourceDefinition. */
  crdName?: string;
  printerColumns?: PrinterColumn[];
  /** The version's openAPIV3Schema, used for basic structural validation. */
  schema?: JsonObject;
  /** Answered on create and never stored, like access reviews. */
  review?: boolean;
}

export function apiVersionOf(type: ResourceType): string {
  return type.group ? `${type.group}/${type.version}` : type.version;
}

/** Storage identity: shared by all versions of one group/resource. */
export function storageKey(type: { group: string; plural: string }): string {
  return `${type.group}/${type.plural}`;
}

function builtin(
  partial: Pick<ResourceType, 'group' | 'version' | 'plural' | 'kind'> &
    Partial<ResourceType>,
): ResourceType {
  return {
    singular: partial.kind.toLowerCase(),
    listKind: `${partial.kind}List`,
    namespaced: true,
    shortNames: [],
    categories: [],
    verbs: STANDARD_VERBS,
    subresources: [],
    hasGeneration: false,
    returnDeletedObject: false,
    allowCreateOnUpdate: false,
    nameRule: 'subdomain',
    fieldSelectors: [],
    ...partial,
  };
}

export const BUILTIN_RESOURCES: ResourceType[] = [
  builtin({
    group: '',
    version: 'v1',
    plural: 'namespaces',
    kind: 'Namespace',
    namespaced: false,
    shortNames: ['ns'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    subresources: ['status', 'finalize'],
    returnDeletedObject: true,
    nameRule: 'label',
    fieldSelectors: ['status.phase'],
  }),
  builtin({
    group: '',
    version: 'v1',
    plural: 'nodes',
    kind: 'Node',
    namespaced: false,
    shortNames: ['no'],
    subresources: ['status'],
    fieldSelectors: ['spec.unschedulable'],
  }),
  builtin({
    group: '',
    version: 'v1',
    plural: 'pods',
    kind: 'Pod',
    shortNames: ['po'],
    categories: ['all'],
    subresources: ['status', 'log', 'binding', 'eviction'],
    returnDeletedObject: true,
    fieldSelectors: [
      'spec.nodeName',
      'spec.restartPolicy',
      'spec.schedulerName',
      'spec.serviceAccountName',
      'spec.hostNetwork',
      'status.phase',
      'status.podIP',
      'status.nominatedNodeName',
    ],
  }),
  builtin({
    group: '',
    version: 'v1',
    plural: 'services',
    kind: 'Service',
    shortNames: ['svc'],
    categories: ['all'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    subresources: ['status'],
    returnDeletedObject: true,
    nameRule: 'dns1035',
  }),
  builtin({
    group: '',
    version: 'v1',
    plural: 'configmaps',
    kind: 'ConfigMap',
    shortNames: ['cm'],
  }),
  builtin({
    group: '',
    version: 'v1',
    plural: 'secrets',
    kind: 'Secret',
    fieldSelectors: ['type'],
  }),
  builtin({
    group: '',
    version: 'v1',
    plural: 'serviceaccounts',
    kind: 'ServiceAccount',
    shortNames: ['sa'],
  }),
  builtin({
    group: '',
    version: 'v1',
    plural: 'resourcequotas',
    kind: 'ResourceQuota',
    shortNames: ['quota'],
    subresources: ['status'],
  }),
  builtin({
    group: '',
    version: 'v1',
    plural: 'persistentvolumeclaims',
    kind: 'PersistentVolumeClaim',
    shortNames: ['pvc'],
    subresources: ['status'],
  }),
  builtin({
    group: '',
    version: 'v1',
    plural: 'events',
    kind: 'Event',
    shortNames: ['ev'],
    allowCreateOnUpdate: true,
    fieldSelectors: [
      'involvedObject.kind',
      'involvedObject.namespace',
      'involvedObject.name',
      'involvedObject.uid',
      'involvedObject.apiVersion',
      'involvedObject.resourceVersion',
      'involvedObject.fieldPath',
      'reason',
      'reportingComponent',
      'source',
      'type',
    ],
  }),
  builtin({
    group: 'apps',
    version: 'v1',
    plural: 'deployments',
    kind: 'Deployment',
    shortNames: ['deploy'],
    categories: ['all'],
    subresources: ['status', 'scale'],
    hasGeneration: true,
  }),
  builtin({
    group: 'apps',
    version: 'v1',
    plural: 'replicasets',
    kind: 'ReplicaSet',
    shortNames: ['rs'],
    categories: ['all'],
    subresources: ['status', 'scale'],
    hasGeneration: true,
  }),
  builtin({
    group: 'storage.k8s.io',
    version: 'v1',
    plural: 'storageclasses',
    kind: 'StorageClass',
    namespaced: false,
    shortNames: ['sc'],
  }),
  builtin({
    group: 'networking.k8s.io',
    version: 'v1',
    plural: 'ingressclasses',
    kind: 'IngressClass',
    namespaced: false,
    hasGeneration: true,
  }),
  builtin({
    group: 'apiextensions.k8s.io',
    version: 'v1',
    plural: 'customresourcedefinitions',
    kind: 'CustomResourceDefinition',
    namespaced: false,
    shortNames: ['crd', 'crds'],
    categories: ['api-extensions'],
    subresources: ['status'],
    hasGeneration: true,
    returnDeletedObject: true,
  }),
  builtin({
    group: 'authorization.k8s.io',
    version: 'v1',
    plural: 'selfsubjectaccessreviews',
    kind: 'SelfSubjectAccessReview',
    namespaced: false,
    verbs: ['create'],
    review: true,
  }),
  // Stored so charts that ship policies apply; the simulator does not enforce them.
  builtin({
    group: 'admissionregistration.k8s.io',
    version: 'v1',
    plural: 'validatingadmissionpolicies',
    kind: 'ValidatingAdmissionPolicy',
    namespaced: false,
    subresources: ['status'],
    hasGeneration: true,
  }),
  builtin({
    group: 'admissionregistration.k8s.io',
    version: 'v1',
    plural: 'validatingadmissionpolicybindings',
    kind: 'ValidatingAdmissionPolicyBinding',
    namespaced: false,
    hasGeneration: true,
  }),
  builtin({
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    plural: 'roles',
    kind: 'Role',
    nameRule: 'pathSegment',
  }),
  builtin({
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    plural: 'rolebindings',
    kind: 'RoleBinding',
    nameRule: 'pathSegment',
  }),
  builtin({
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    plural: 'clusterroles',
    kind: 'ClusterRole',
    namespaced: false,
    nameRule: 'pathSegment',
  }),
  builtin({
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    plural: 'clusterrolebindings',
    kind: 'ClusterRoleBinding',
    namespaced: false,
    nameRule: 'pathSegment',
  }),
];
