import { WORKLOAD_WRITER_CLUSTER_ROLE } from '@gpu-fleet/plugin-gpu-fleet-common';
import { KubeApiForwarder } from '../KubeApiForwarder';
import { CannotTell, CheckOutcome, postJson } from './clusterApi';

const REVIEWS = '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews';
const RBAC = 'rbac.authorization.k8s.io';

/** What creating a workspace asks of the agent, in the order the portal does it. */
export const WORKSPACE_STEPS = [
  {
    may: 'create namespaces',
    verb: 'create',
    group: '',
    resource: 'namespaces',
  },
  {
    may: 'create resourcequotas',
    verb: 'create',
    group: '',
    resource: 'resourcequotas',
  },
  {
    may: 'create serviceaccounts',
    verb: 'create',
    group: '',
    resource: 'serviceaccounts',
  },
  {
    may: 'create rolebindings',
    verb: 'create',
    group: RBAC,
    resource: 'rolebindings',
  },
  {
    may: `bind clusterrole ${WORKLOAD_WRITER_CLUSTER_ROLE}`,
    verb: 'bind',
    group: RBAC,
    resource: 'clusterroles',
    name: WORKLOAD_WRITER_CLUSTER_ROLE,
  },
];

/**
 * Asks the API server, one SelfSubjectAccessReview per step, whether the
 * agent may do what creating a workspace takes, so a cluster installed
 * without those rights says so before a workspace half exists.
 */
export async function checkWorkspaceRights(
  kube: KubeApiForwarder,
): Promise<CheckOutcome> {
  const answers = await Promise.all(
    WORKSPACE_STEPS.map(async ({ may, ...resourceAttributes }) => {
      const { status, body } = await postJson(kube, REVIEWS, {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectAccessReview',
        spec: { resourceAttributes },
      });
      if (status !== 201 || typeof body?.status?.allowed !== 'boolean') {
        throw new CannotTell(
          `asking whether the agent may ${may} (${REVIEWS}) answered HTTP ${status}${
            typeof body?.message === 'string' ? `: ${body.message}` : ''
          }`,
        );
      }
      return {
        may,
        allowed: body.status.allowed as boolean,
        reason:
          typeof body.status.reason === 'string' ? body.status.reason : '',
      };
    }),
  );
  const refused = answers.filter(a => !a.allowed);
  const details = {
    allowed: answers.filter(a => a.allowed).map(a => a.may),
    refused: refused.map(a => (a.reason ? `${a.may}: ${a.reason}` : a.may)),
  };
  return refused.length === 0
    ? {
        status: 'pass',
        message: `the agent may ${answers.map(a => a.may).join(', ')}`,
        details,
      }
    : {
        status: 'fail',
        message: `workspaces need the agent's workspace rights: it may not ${refused
          .map(a => a.may)
          .join(', ')}`,
        details,
      };
}
