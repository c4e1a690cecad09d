/** Label and field selector parsing and matching, following apimachinery's grammar. */

import { getPath, KubeObject } from './kubeObject';
import { badRequest } from './statusErrors';

export type LabelOperator =
  | 'equals'
  | 'notEquals'
  | 'in'
  | 'notin'
  | 'exists'
  | 'doesNotExist'
  | 'gt'
  | 'lt';

export interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  values: string[];
}

export type LabelSelector = LabelRequirement[];

const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function validateKey(key: string): void {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (
    prefix !== undefined &&
    (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))
  ) {
    throw badRequest(
      `unable to parse requirement: key: Invalid value: "${key}": prefix part must be a lowercase RFC 1123 subdomain`,
    );
  }
  if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME.test(name)) {
    throw badRequest(
      `unable to parse requirement: key: Invalid value: "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
    );
  }
}

function validateValue(value: string): void {
  if (value.length > 63 || (value !== '' && !QUALIFIED_NAME.test(value))) {
    throw badRequest(
      `unable to parse requirement: values[0]: Invalid value: "${value}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
    );
  }
}

const OPERATORS: Record<string, LabelOperator> = {
  '=': 'equals',
  '==': 'equals',
  '!=': 'notEquals',
  '>': 'gt',
  '<': 'lt',
};

type Token =
  | { kind: 'word'; text: string }
  | { kind: 'op'; text: string }
  | { kind: 'comma' | 'open' | 'close' | 'not' };

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === ',') {
      tokens.push({ kind: 'comma' });
      i++;
    } else if (c === '(') {
      tokens.push({ kind: 'open' });
      i++;
    } else if (c === ')') {
      tokens.push({ kind: 'close' });
      i++;
    } else if (input.startsWith('==', i) || input.startsWith('!=', i)) {
      tokens.push({ kind: 'op', text: input.slice(i, i + 2) });
      i += 2;
    } else if (c === '=' || c === '<' || c === '>') {
      tokens.push({ kind: 'op', text: c });
      i++;
    } else if (c === '!') {
      tokens.push({ kind: 'not' });
      i++;
    } else {
      let j = i;
      while (j < input.length && !/[\s,()=!<>]/.test(input[j])) {
        j++;
      }
      tokens.push({ kind: 'word', text: input.slice(i, j) });
      i = j;
    }
  }
  return tokens;
}

/** Parses `app=web,tier!=db,env in (a,b),!legacy,gpu`. An empty string selects everything. */
export function parseLabelSelector(input: string | undefined): LabelSelector {
  if (!input || !input.trim()) {
    return [];
  }
  const tokens = tokenize(input);
  const requirements: LabelSelector = [];
  let pos = 0;
  const fail = (expected: string): never => {
    const t = tokens[pos];
    let found = 'end of string';
    if (t) {
      found = 'text' in t ? t.text : t.kind;
    }
    throw badRequest(
      `unable to parse requirement: found '${found}', expected: ${expected}`,
    );
  };
  const word = (): string => {
    const t = tokens[pos];
    if (t?.kind !== 'word') {
      return fail('identifier');
    }
    pos++;
    return t.text;
  };

  for (;;) {
    if (tokens[pos]?.kind === 'not') {
      pos++;
      const key = word();
      validateKey(key);
      requirements.push({ key, operator: 'doesNotExist', values: [] });
    } else {
      const key = word();
      validateKey(key);
      const next = tokens[pos];
      if (!next || next.kind === 'comma') {
        requirements.push({ key, operator: 'exists', values: [] });
      } else if (next.kind === 'op') {
        pos++;
        // An empty value (`app=`) is legal and matches an empty label.
        const valueToken = tokens[pos];
        const value = valueToken?.kind === 'word' ? valueToken.text : '';
        if (valueToken?.kind === 'word') {
          pos++;
        }
        validateValue(value);
        const operator = OPERATORS[next.text] ?? 'equals';
        if (
          (operator === 'gt' || operator === 'lt') &&
          !/^-?\d+$/.test(value)
        ) {
          throw badRequest(
            `unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer`,
          );
        }
        requirements.push({ key, operator, values: [value] });
      } else if (
        next.kind === 'word' &&
        (next.text === 'in' || next.text === 'notin')
      ) {
        pos++;
        if (tokens[pos]?.kind !== 'open') {
          fail("'('");
        }
        pos++;
        const values: string[] = [];
        while (tokens[pos]?.kind !== 'close') {
          const t = tokens[pos];
          if (t?.kind === 'word') {
            validateValue(t.text);
            values.push(t.text);
            pos++;
          } else if (t?.kind === 'comma') {
            pos++;
          } else {
            fail("',' or ')'");
          }
        }
        pos++;
        requirements.push({
          key,
          operator: next.text === 'in' ? 'in' : 'notin',
          values,
        });
      } else {
        fail("'=', '!=', '==', 'in', 'notin'");
      }
    }
    if (pos >= tokens.length) {
      return requirements;
    }
    if (tokens[pos].kind !== 'comma') {
      fail("',' or 'end of string'");
    }
    pos++;
  }
}

export function matchesLabels(
  selector: LabelSelector,
  labels: Record<string, string> | undefined,
): boolean {
  const actual = labels ?? {};
  return selector.every(req => {
    const has = Object.prototype.hasOwnProperty.call(actual, req.key);
    const value = actual[req.key];
    switch (req.operator) {
      case 'equals':
        return has && value === req.values[0];
      case 'notEquals':
        return !has || value !== req.values[0];
      case 'in':
        return has && req.values.includes(value);
      case 'notin':
        return !has || !req.values.includes(value);
      case 'exists':
        return has;
      case 'doesNotExist':
        return !has;
      case 'gt':
        return (
          has && /^-?\d+$/.test(value) && Number(value) > Number(req.values[0])
        );
      case 'lt':
        return (
          has && /^-?\d+$/.test(value) && Number(value) < Number(req.values[0])
        );
      default:
        return false;
    }
  });
}

export interface FieldRequirement {
  field: string;
  negate: boolean;
  value: string;
}

export type FieldSelector = FieldRequirement[];

/** Splits on commas not escaped with a backslash, as apimachinery does. */
function splitTerms(input: string): string[] {
  const terms: string[] = [];
  let current = '';
  for (let i = 0; i < input.length; i++) {
    if (input[i] === '\\' && i + 1 < input.length) {
      current += input[i + 1];
      i++;
    } else if (input[i] === ',') {
      terms.push(current);
      current = '';
    } else {
      current += input[i];
    }
  }
  terms.push(current);
  return terms;
}

/** Parses `metadata.name=x,status.phase!=Running` against the fields a resource supports. */
export function parseFieldSelector(
  input: string | undefined,
  supportedFields: string[],
): FieldSelector {
  if (!input || !input.trim()) {
    return [];
  }
  const allowed = new Set([
    'metadata.name',
    'metadata.namespace',
    ...supportedFields,
  ]);
  return splitTerms(input).map(term => {
    const m = /^([^=!]+)(==|=|!=)(.*)$/.exec(term.trim());
    if (!m) {
      throw badRequest(
        `invalid selector: '${input}'; can't understand '${term}'`,
      );
    }
    const field = m[1].trim();
    if (!allowed.has(field)) {
      throw badRequest(`field label not supported: ${field}`);
    }
    return { field, negate: m[2] === '!=', value: m[3].trim() };
  });
}

function fieldValue(obj: KubeObject, field: string): string {
  // Events expose `source` as the reporting component, not the whole struct.
  const value = getPath(obj, field === 'source' ? 'source.component' : field);
  if (value === undefined || value === null) {
    return field === 'spec.unschedulable' || field === 'spec.hostNetwork'
      ? 'false'
      : '';
  }
  return String(value);
}

export function matchesFields(
  selector: FieldSelector,
  obj: KubeObject,
): boolean {
  return selector.every(req => {
    const equal = fieldValue(obj, req.field) === req.value;
    return req.negate ? !equal : equal;
  });
}

/** The value a `metadata.name=x` requirement pins, used to watch a single object. */
export function selectedName(selector: FieldSelector): string | undefined {
  return selector.find(r => r.field === 'metadata.name' && !r.negate)?.value;
}
