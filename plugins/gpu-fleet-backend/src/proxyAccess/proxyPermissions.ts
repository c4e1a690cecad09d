import {
  gpuFleetWorkspaceKubeAdminPermission,
  gpuFleetWorkspaceKubeReadPermission,
  gpuFleetWorkspaceKubeWritePermission,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { KubeRequestAttributes, READ_VERBS } from './kubeRequestAttributes';

/** Subresources that run code in or reach into a pod. */
const INTO_POD = new Set(['exec', 'attach', 'portforward', 'proxy']);
/** Access-control objects a deployer must not change. */
const ACCESS_CONTROL: Record<string, Set<string>> = {
  '': new Set(['serviceaccounts', 'resourcequotas', 'limitranges']),
  'rbac.authorization.k8s.io': new Set(['roles', 'rolebindings']),
};

/**
 * The workspace permission a namespaced request needs: Secrets, pod exec
 * and access control are an admin's, other reads a viewer's, other writes
 * a deployer's.
 */
export function workspacePermissionFor(attributes: KubeRequestAttributes) {
  const { apiGroup, resource = '', subresource, verb } = attributes;
  if (subresource && INTO_POD.has(subresource)) {
    return gpuFleetWorkspaceKubeAdminPermission;
  }
  if (apiGroup === '' && resource === 'secrets') {
    return gpuFleetWorkspaceKubeAdminPermission;
  }
  const read = READ_VERBS.has(verb);
  if (!read && ACCESS_CONTROL[apiGroup]?.has(resource)) {
    return gpuFleetWorkspaceKubeAdminPermission;
  }
  return read
    ? gpuFleetWorkspaceKubeReadPermission
    : gpuFleetWorkspaceKubeWritePermission;
}

/** Cluster-scoped reads the portal's pages need; anyone who may read the cluster gets them. */
export function isClusterReaderRequest(attributes: KubeRequestAttributes) {
  if (!READ_VERBS.has(attributes.verb)) return false;
  if (attributes.namespace !== undefined) return false;
  // Discovery, version and OpenAPI documents.
  if (attributes.resource === undefined) return true;
  return (
    attributes.apiGroup === '' &&
    !attributes.subresource &&
    (attributes.resource === 'nodes' || attributes.resource === 'namespaces')
  );
}
