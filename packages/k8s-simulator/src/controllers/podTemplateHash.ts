/** The `pod-template-hash` that names a Deployment's ReplicaSets and tells its templates apart. */

import { isPlainObject } from '../kubeObject';

/** The characters Kubernetes uses in generated names: no vowels, no look-alikes. */
const SAFE_CHARACTERS = 'bcdfghjklmnpqrstvwxz2456789';

/**
 * JSON with keys in order, so equal templates hash equally however they were
 * written; null fields count as absent, as they do in Go structs (kubectl
 * rollout undo sends `creationTimestamp: null`).
 */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isPlainObject(value)) {
    const entries = Object.keys(value)
      .filter(key => value[key] !== undefined && value[key] !== null)
      .sort()
      .map(key => `${JSON.stringify(key)}:${canonicalJson(value[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

/** 32-bit FNV-1a, the hash the deployment controller uses. */
function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** Like the deployment controller: the hash's decimal digits mapped onto safe characters. */
export function podTemplateHash(template: unknown): string {
  return [...String(fnv1a32(canonicalJson(template)))]
    .map(c => SAFE_CHARACTERS[c.charCodeAt(0) % SAFE_CHARACTERS.length])
    .join('');
}
