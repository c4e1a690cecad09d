/** Structured selectors as controllers and the scheduler evaluate them: LabelSelector and NodeSelectorTerm. */

import { asList, asObject, isPlainObject, KubeObject } from '../kubeObject';

type Labels = Record<string, string> | undefined;

const values = (requirement: Record<string, unknown>): string[] =>
  Array.isArray(requirement.values) ? requirement.values.map(String) : [];

function requirementMatches(
  requirement: Record<string, unknown>,
  actual: Labels,
  integers: boolean,
): boolean {
  const key = String(requirement.key);
  const labels = actual ?? {};
  const has = Object.prototype.hasOwnProperty.call(labels, key);
  const value = labels[key];
  switch (requirement.operator) {
    case 'In':
      return has && values(requirement).includes(value);
    case 'NotIn':
      return !has || !values(requirement).includes(value);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
    case 'Lt': {
      // Only node selectors have Gt/Lt: one integer value against an integer label.
      if (!integers || !has || !/^-?\d+$/.test(value)) return false;
      const bound = Number(values(requirement)[0]);
      if (!Number.isFinite(bound)) return false;
      return requirement.operator === 'Gt'
        ? Number(value) > bound
        : Number(value) < bound;
    }
    default:
      return false;
  }
}

/**
 * A metav1 LabelSelector: matchLabels and matchExpressions together. An empty
 * selector matches everything; a missing (null) one matches nothing.
 */
export function matchesLabelSelector(
  selector: unknown,
  labels: Labels,
): boolean {
  if (!isPlainObject(selector)) return false;
  const actual = labels ?? {};
  for (const [key, value] of Object.entries(asObject(selector.matchLabels))) {
    if (actual[key] !== String(value)) return false;
  }
  return asList(selector.matchExpressions).every(r =>
    requirementMatches(r, actual, false),
  );
}

/** One NodeSelectorTerm: its expressions on labels and fields all hold; an empty term matches nothing. */
export function nodeSelectorTermMatches(
  term: unknown,
  node: KubeObject,
): boolean {
  const expressions = asList(asObject(term).matchExpressions);
  const fields = asList(asObject(term).matchFields);
  if (expressions.length === 0 && fields.length === 0) return false;
  return (
    expressions.every(r => requirementMatches(r, node.metadata.labels, true)) &&
    fields.every(r =>
      // metadata.name is the only field a node selector may name.
      r.key === 'metadata.name'
        ? requirementMatches(r, { 'metadata.name': node.metadata.name! }, true)
        : false,
    )
  );
}

/** The pod's nodeSelector and required node affinity both hold for the node. */
export function matchesNodeSelectorAndAffinity(
  pod: KubeObject,
  node: KubeObject,
): boolean {
  const spec = asObject(pod.spec);
  const labels = node.metadata.labels ?? {};
  for (const [key, value] of Object.entries(asObject(spec.nodeSelector))) {
    if (labels[key] !== String(value)) return false;
  }
  const required = asObject(
    asObject(spec.affinity).nodeAffinity,
  ).requiredDuringSchedulingIgnoredDuringExecution;
  if (!isPlainObject(required)) return true;
  // Terms are ORed; a required affinity without terms matches no node.
  return asList(required.nodeSelectorTerms).some(term =>
    nodeSelectorTermMatches(term, node),
  );
}

/** The sum of weights of the pod's preferred node affinity terms the node matches. */
export function preferredAffinityScore(
  pod: KubeObject,
  node: KubeObject,
): number {
  const preferred = asList(
    asObject(asObject(asObject(pod.spec).affinity).nodeAffinity)
      .preferredDuringSchedulingIgnoredDuringExecution,
  );
  return preferred.reduce(
    (sum, term) =>
      nodeSelectorTermMatches(term.preference, node)
        ? sum + (Number(term.weight) || 0)
        : sum,
    0,
  );
}
