/** Required pod affinity and anti-affinity, decided per node the way the scheduler's InterPodAffinity filter does. */

import { asList, asObject, KubeObject } from '../kubeObject';
import { matchesLabelSelector } from './labelSelectors';

const AFFINITY_MISMATCH = "node(s) didn't match pod affinity rules";
const ANTI_AFFINITY_MISMATCH = "node(s) didn't match pod anti-affinity rules";
const EXISTING_ANTI_AFFINITY_MISMATCH =
  "node(s) didn't satisfy existing pods anti-affinity rules";

interface Term {
  topologyKey: string;
  selector: unknown;
  /** Namespaces the term looks at; undefined means all. */
  namespaces?: Set<string>;
}

/** A bound pod and the labels of the node it is on. */
export interface PlacedPod {
  pod: KubeObject;
  nodeLabels: Record<string, string>;
}

function requiredTerms(
  pod: KubeObject,
  kind: 'podAffinity' | 'podAntiAffinity',
  namespaceLabels: Map<string, Record<string, string>>,
): Term[] {
  const affinity = asObject(asObject(asObject(pod.spec).affinity)[kind]);
  return asList(affinity.requiredDuringSchedulingIgnoredDuringExecution).map(
    term => {
      const listed = Array.isArray(term.namespaces)
        ? term.namespaces.map(String)
        : [];
      let namespaces: Set<string> | undefined = new Set(listed);
      if (
        term.namespaceSelector !== undefined &&
        term.namespaceSelector !== null
      ) {
        const selector = asObject(term.namespaceSelector);
        if (Object.keys(selector).length === 0) {
          namespaces = undefined; // {} selects every namespace
        } else {
          for (const [name, labels] of namespaceLabels) {
            if (matchesLabelSelector(selector, labels)) namespaces.add(name);
          }
        }
      } else if (listed.length === 0) {
        namespaces = new Set([pod.metadata.namespace!]);
      }
      return {
        topologyKey: String(term.topologyKey ?? ''),
        selector: term.labelSelector,
        namespaces,
      };
    },
  );
}

const termMatches = (term: Term, pod: KubeObject) =>
  (!term.namespaces || term.namespaces.has(pod.metadata.namespace!)) &&
  matchesLabelSelector(term.selector, pod.metadata.labels);

const pairKey = (key: string, value: string) => JSON.stringify([key, value]);

/** Counts per topology domain, computed once per scheduling attempt and asked per node. */
export class InterPodAffinity {
  readonly #affinity: Term[];
  readonly #antiAffinity: Term[];
  readonly #affinityCounts = new Map<string, number>();
  readonly #antiAffinityCounts = new Map<string, number>();
  readonly #existingAntiAffinity = new Set<string>();
  readonly #matchesOwnTerms: boolean;

  constructor(
    private readonly pod: KubeObject,
    placed: PlacedPod[],
    namespaceLabels: Map<string, Record<string, string>>,
  ) {
    this.#affinity = requiredTerms(pod, 'podAffinity', namespaceLabels);
    this.#antiAffinity = requiredTerms(pod, 'podAntiAffinity', namespaceLabels);
    this.#matchesOwnTerms = this.#affinity.every(t => termMatches(t, pod));
    for (const { pod: other, nodeLabels } of placed) {
      // A pod counts towards affinity only when it matches every term.
      if (
        this.#affinity.length &&
        this.#affinity.every(t => termMatches(t, other))
      ) {
        for (const term of this.#affinity) {
          const value = nodeLabels[term.topologyKey];
          if (value === undefined) continue;
          const key = pairKey(term.topologyKey, value);
          this.#affinityCounts.set(
            key,
            (this.#affinityCounts.get(key) ?? 0) + 1,
          );
        }
      }
      for (const term of this.#antiAffinity) {
        const value = nodeLabels[term.topologyKey];
        if (value === undefined || !termMatches(term, other)) continue;
        const key = pairKey(term.topologyKey, value);
        this.#antiAffinityCounts.set(
          key,
          (this.#antiAffinityCounts.get(key) ?? 0) + 1,
        );
      }
      // Pods already placed may refuse this one as a neighbour.
      for (const term of requiredTerms(
        other,
        'podAntiAffinity',
        namespaceLabels,
      )) {
        const value = nodeLabels[term.topologyKey];
        if (value !== undefined && termMatches(term, this.pod)) {
          this.#existingAntiAffinity.add(pairKey(term.topologyKey, value));
        }
      }
    }
  }

  /** The reason the node fails, and whether moving other pods could never fix it. */
  check(
    node: KubeObject,
  ): { reason: string; unresolvable: boolean } | undefined {
    const labels = node.metadata.labels ?? {};
    if (this.#affinity.length && !this.#satisfiesAffinity(labels)) {
      return { reason: AFFINITY_MISMATCH, unresolvable: true };
    }
    for (const term of this.#antiAffinity) {
      const value = labels[term.topologyKey];
      if (
        value !== undefined &&
        (this.#antiAffinityCounts.get(pairKey(term.topologyKey, value)) ?? 0) >
          0
      ) {
        return { reason: ANTI_AFFINITY_MISMATCH, unresolvable: false };
      }
    }
    for (const [key, value] of Object.entries(labels)) {
      if (this.#existingAntiAffinity.has(pairKey(key, value))) {
        return { reason: EXISTING_ANTI_AFFINITY_MISMATCH, unresolvable: false };
      }
    }
    return undefined;
  }

  #satisfiesAffinity(labels: Record<string, string>): boolean {
    let podsExist = true;
    for (const term of this.#affinity) {
      const value = labels[term.topologyKey];
      // Every topology key must be on the node.
      if (value === undefined) return false;
      if (
        (this.#affinityCounts.get(pairKey(term.topologyKey, value)) ?? 0) <= 0
      ) {
        podsExist = false;
      }
    }
    // The first pod of a group with affinity to itself may go anywhere the topology exists.
    return (
      podsExist || (this.#affinityCounts.size === 0 && this.#matchesOwnTerms)
    );
  }
}
