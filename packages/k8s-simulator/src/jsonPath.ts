/** The small JSONPath subset CRD printer columns use: `.a.b`, `[0]`, `[*]`, `[?(@.k=="v")]`. */

import { isPlainObject } from './kubeObject';

type Step =
  | { kind: 'field'; name: string }
  | { kind: 'index'; index: number }
  | { kind: 'all' }
  | { kind: 'filter'; path: string[]; value: string };

function parse(expression: string): Step[] {
  let expr = expression.trim();
  if (expr.startsWith('{') && expr.endsWith('}')) {
    expr = expr.slice(1, -1);
  }
  const steps: Step[] = [];
  const re =
    /\.([A-Za-z0-9_\-$]+)|\[(\d+)\]|\[\*\]|\[\?\(@((?:\.[A-Za-z0-9_\-]+)+)\s*==\s*["']([^"']*)["']\)\]|\['([^']+)'\]/g;
  for (const m of expr.matchAll(re)) {
    if (m[1] !== undefined) steps.push({ kind: 'field', name: m[1] });
    else if (m[2] !== undefined)
      steps.push({ kind: 'index', index: Number(m[2]) });
    else if (m[3] !== undefined)
      steps.push({
        kind: 'filter',
        path: m[3].slice(1).split('.'),
        value: m[4],
      });
    else if (m[5] !== undefined) steps.push({ kind: 'field', name: m[5] });
    else steps.push({ kind: 'all' });
  }
  return steps;
}

/** All values the expression selects, in document order. */
export function evaluateJsonPath(obj: unknown, expression: string): unknown[] {
  let current: unknown[] = [obj];
  for (const step of parse(expression)) {
    const next: unknown[] = [];
    for (const value of current) {
      if (
        step.kind === 'field' &&
        isPlainObject(value) &&
        value[step.name] !== undefined
      ) {
        next.push(value[step.name]);
      } else if (
        step.kind === 'index' &&
        Array.isArray(value) &&
        value[step.index] !== undefined
      ) {
        next.push(value[step.index]);
      } else if (step.kind === 'all' && Array.isArray(value)) {
        next.push(...value);
      } else if (step.kind === 'filter' && Array.isArray(value)) {
        for (const item of value) {
          let v: unknown = item;
          for (const p of step.path) v = isPlainObject(v) ? v[p] : undefined;
          if (v !== undefined && String(v) === step.value) next.push(item);
        }
      }
    }
    current = next;
  }
  return current;
}
