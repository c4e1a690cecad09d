/** The simulated caller's rights: every right, or those of a GPU Fleet agent installed without workspace rights (with its add-on rights). */

import { ApiError } from './statusErrors';

/** @public */
export const AGENT_RIGHTS = ['full', 'read-only'] as const;

/** @public */
export type AgentRights = (typeof AGENT_RIGHTS)[number];

/** The simulator checks no token: every caller is taken to be the agent's ServiceAccount. */
export const SIMULATED_USER = 'system:serviceaccount:gpu-fleet:gpu-fleet-agent';

/** What an access check is about, as SelfSubjectAccessReview's resourceAttributes names it. */
export interface ResourceAttributes {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

export interface AccessDecision {
  allowed: boolean;
  reason: string;
}

const WRITE_VERBS = ['create', 'update', 'patch', 'delete', 'deletecollection'];

/**
 * What the chart's workspace rights (rbac.workspaces) add to the agent's
 * other rights; an agent installed without them is refused these.
 */
const WORKSPACE_RIGHTS = [
  {
    group: '',
    resources: ['namespaces', 'resourcequotas'],
    verbs: WRITE_VERBS,
  },
  {
    group: 'rbac.authorization.k8s.io',
    resources: ['rolebindings'],
    verbs: WRITE_VERBS,
  },
  {
    group: 'rbac.authorization.k8s.io',
    resources: ['clusterroles'],
    verbs: ['bind'],
  },
];

const matches = (value: string, allowed: string[]) =>
  value === '*' || allowed.includes(value);

/**
 * With the argocd add-on the chart gives the agent a Role in `argocd` on
 * Applications, and nothing on them anywhere else.
 */
const ARGO_CD_NAMESPACE = 'argocd';
const ARGO_CD_VERBS = [
  'get',
  'list',
  'watch',
  'create',
  'update',
  'patch',
  'delete',
];
const isApplications = (attributes: ResourceAttributes) =>
  attributes.group === 'argoproj.io' && attributes.resource === 'applications';

export interface AccessRightsOptions {
  /** The agent was installed with the argocd add-on (the scenario lists it). */
  argoCd?: boolean;
}

export function isAgentRights(value: unknown): value is AgentRights {
  return (AGENT_RIGHTS as readonly unknown[]).includes(value);
}

/** Decides requests and access reviews for the one identity the simulator knows. */
export class AccessRights {
  #rights: AgentRights;
  readonly #argoCd: boolean;

  constructor(rights: AgentRights = 'full', options: AccessRightsOptions = {}) {
    this.#rights = rights;
    this.#argoCd = options.argoCd ?? false;
  }

  get rights(): AgentRights {
    return this.#rights;
  }

  /** Like upgrading the agent's chart with other RBAC values: applies from the next request. */
  set(rights: AgentRights): void {
    this.#rights = rights;
  }

  decide(attributes: ResourceAttributes): AccessDecision {
    if (this.#rights === 'full') {
      return {
        allowed: true,
        reason: `the simulator grants ${SIMULATED_USER} every right`,
      };
    }
    if (isApplications(attributes)) return this.#decideApplications(attributes);
    const refused = WORKSPACE_RIGHTS.some(
      rule =>
        matches(attributes.group, [rule.group]) &&
        matches(attributes.resource, rule.resources) &&
        matches(attributes.verb, rule.verbs),
    );
    return refused
      ? {
          allowed: false,
          reason: `${SIMULATED_USER} was installed without the agent's workspace rights (agentRights: read-only)`,
        }
      : {
          allowed: true,
          reason: `the simulator grants ${SIMULATED_USER} everything but the workspace rights`,
        };
  }

  #decideApplications(attributes: ResourceAttributes): AccessDecision {
    const allowed =
      this.#argoCd &&
      attributes.namespace === ARGO_CD_NAMESPACE &&
      ARGO_CD_VERBS.includes(attributes.verb) &&
      !attributes.subresource;
    return allowed
      ? {
          allowed: true,
          reason: `the agent's Role in ${ARGO_CD_NAMESPACE} (argocd add-on) grants ${SIMULATED_USER} Argo CD Applications there`,
        }
      : {
          allowed: false,
          reason: this.#argoCd
            ? `${SIMULATED_USER} may ${ARGO_CD_VERBS.join(
                ', ',
              )} Argo CD Applications in the namespace ${ARGO_CD_NAMESPACE} only`
            : `${SIMULATED_USER} was installed without the argocd add-on, so it has no rights on Argo CD Applications`,
        };
  }

  /** Throws the 403 the API server answers when the caller may not make the request. */
  authorize(attributes: ResourceAttributes): void {
    if (!this.decide(attributes).allowed) {
      throw forbidden(attributes);
    }
  }
}

/** The RBAC authorizer's refusal, worded as the API server words it. */
export function forbidden(attributes: ResourceAttributes): ApiError {
  const { verb, group, resource, subresource, namespace, name } = attributes;
  const what = subresource ? `${resource}/${subresource}` : resource;
  const scope = namespace
    ? `in the namespace "${namespace}"`
    : 'at the cluster scope';
  const qualified = group ? `${resource}.${group}` : resource;
  return new ApiError(
    403,
    'Forbidden',
    `${qualified}${
      name ? ` "${name}"` : ''
    } is forbidden: User "${SIMULATED_USER}" cannot ${verb} resource "${what}" in API group "${group}" ${scope}`,
    {
      ...(name ? { name } : {}),
      ...(group ? { group } : {}),
      kind: resource,
    },
  );
}
