import { evaluate } from '@marcbachmann/cel-js';

type Obj = Record<string, any>;

/** What a ValidatingAdmissionPolicy sees of one request. */
export interface AdmissionRequest {
  operation: 'CREATE' | 'UPDATE' | 'DELETE';
  username: string;
  group: string;
  resource: string;
  namespace?: string;
  name: string;
  object?: Obj;
  oldObject?: Obj;
  /** The namespace of a namespaced request, as the API server looks it up. */
  namespaceObject?: Obj;
}

export type AdmissionResult =
  | { matched: false }
  | { matched: true; allowed: true }
  | { matched: true; allowed: false; message: string; reason: string };

const anyOr = (list: string[], value: string) =>
  list.includes('*') || list.includes(value);

/**
 * Evaluates a ValidatingAdmissionPolicy the way the API server does for one
 * request: match constraints, match conditions, variables, validations.
 */
export function admit(policy: Obj, request: AdmissionRequest): AdmissionResult {
  const spec = policy.spec;
  const matches = (spec.matchConstraints.resourceRules as Obj[]).some(
    rule =>
      anyOr(rule.apiGroups, request.group) &&
      anyOr(rule.resources, request.resource) &&
      anyOr(rule.operations, request.operation),
  );
  if (!matches) return { matched: false };
  const context: Obj = {
    request: {
      operation: request.operation,
      userInfo: { username: request.username },
      resource: {
        group: request.group,
        version: 'v1',
        resource: request.resource,
      },
      namespace: request.namespace ?? '',
      name: request.name,
    },
    object: request.object ?? null,
    oldObject: request.oldObject ?? null,
    namespaceObject: request.namespaceObject ?? null,
    variables: {},
  };
  for (const condition of spec.matchConditions ?? []) {
    if (evaluate(condition.expression, context) !== true) {
      return { matched: false };
    }
  }
  for (const variable of spec.variables ?? []) {
    context.variables[variable.name] = evaluate(variable.expression, context);
  }
  for (const validation of spec.validations) {
    const result = evaluate(validation.expression, context);
    if (typeof result !== 'boolean') {
      throw new Error(`${validation.expression} is not a boolean: ${result}`);
    }
    if (!result) {
      return {
        matched: true,
        allowed: false,
        message: validation.message,
        reason: validation.reason,
      };
    }
  }
  return { matched: true, allowed: true };
}
