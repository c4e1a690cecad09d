/** Object validation producing the field-level causes of a 422 Invalid. */

import { isPlainObject, JsonObject, KubeObject } from './kubeObject';
import { ResourceType } from './resourceTypes';
import { matchesLabels } from './selectors';
import { StatusCause } from './statusErrors';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;

const SUBDOMAIN_MESSAGE =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MESSAGE =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035_MESSAGE =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

function required(field: string, detail?: string): StatusCause {
  return {
    reason: 'FieldValueRequired',
    message: detail ? `Required value: ${detail}` : 'Required value',
    field,
  };
}

function unsupported(
  field: string,
  value: unknown,
  supported: string[],
): StatusCause {
  return {
    reason: 'FieldValueNotSupported',
    message: `Unsupported value: ${JSON.stringify(
      value ?? '',
    )}: supported values: ${supported.map(v => JSON.stringify(v)).join(', ')}`,
    field,
  };
}

function invalidValue(
  field: string,
  value: unknown,
  detail: string,
): StatusCause {
  const shown =
    typeof value === 'string'
      ? JSON.stringify(value)
      : JSON.stringify(value ?? null);
  return {
    reason: 'FieldValueInvalid',
    message: `Invalid value: ${shown}: ${detail}`,
    field,
  };
}

/** Describes why a name breaks the rule, or undefined when it is fine. */
export function nameProblem(
  name: string,
  rule: ResourceType['nameRule'],
): string | undefined {
  if (rule === 'subdomain') {
    if (name.length > 253) return 'must be no more than 253 characters';
    return DNS1123_SUBDOMAIN.test(name) ? undefined : SUBDOMAIN_MESSAGE;
  }
  if (rule === 'pathSegment') {
    if (name === '.' || name === '..') return `may not be '${name}'`;
    const bad = ['/', '%'].find(c => name.includes(c));
    return bad ? `may not contain '${bad}'` : undefined;
  }
  if (name.length > 63) return 'must be no more than 63 characters';
  if (rule === 'dns1035') {
    return DNS1035_LABEL.test(name) ? undefined : DNS1035_MESSAGE;
  }
  return DNS1123_LABEL.test(name) ? undefined : LABEL_MESSAGE;
}

function validateLabels(labels: unknown, field: string, causes: StatusCause[]) {
  if (labels === undefined) return;
  if (!isPlainObject(labels)) {
    causes.push(
      invalidValue(
        field,
        labels,
        'must be a map of string keys to string values',
      ),
    );
    return;
  }
  for (const [key, value] of Object.entries(labels)) {
    const name = key.includes('/') ? key.slice(key.indexOf('/') + 1) : key;
    const prefix = key.includes('/')
      ? key.slice(0, key.indexOf('/'))
      : undefined;
    if (
      !QUALIFIED_NAME.test(name) ||
      name.length > 63 ||
      (prefix !== undefined && !DNS1123_SUBDOMAIN.test(prefix))
    ) {
      causes.push(
        invalidValue(
          field,
          key,
          "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        ),
      );
    }
    if (
      typeof value !== 'string' ||
      value.length > 63 ||
      (value !== '' && !QUALIFIED_NAME.test(value))
    ) {
      causes.push(
        invalidValue(
          field,
          value,
          "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        ),
      );
    }
  }
}

function validateContainers(
  containers: unknown,
  field: string,
  causes: StatusCause[],
) {
  if (!Array.isArray(containers) || containers.length === 0) {
    causes.push(required(field));
    return;
  }
  const seen = new Set<string>();
  containers.forEach((c, i) => {
    const at = `${field}[${i}]`;
    if (!isPlainObject(c)) {
      causes.push(invalidValue(at, c, 'must be an object'));
      return;
    }
    if (typeof c.name !== 'string' || !c.name) {
      causes.push(required(`${at}.name`));
    } else if (!DNS1123_LABEL.test(c.name)) {
      causes.push(invalidValue(`${at}.name`, c.name, LABEL_MESSAGE));
    } else if (seen.has(c.name)) {
      causes.push({
        reason: 'FieldValueDuplicate',
        message: `Duplicate value: ${JSON.stringify(c.name)}`,
        field: `${at}.name`,
      });
    } else {
      seen.add(c.name);
    }
    if (typeof c.image !== 'string' || !c.image) {
      causes.push(required(`${at}.image`));
    }
  });
}

function validatePodSpec(spec: unknown, field: string, causes: StatusCause[]) {
  if (!isPlainObject(spec)) {
    causes.push(required(`${field}.containers`));
    return;
  }
  validateContainers(spec.containers, `${field}.containers`, causes);
  if (spec.initContainers !== undefined) {
    validateContainers(spec.initContainers, `${field}.initContainers`, causes);
  }
}

function validateDataKeys(data: unknown, field: string, causes: StatusCause[]) {
  if (!isPlainObject(data)) return;
  for (const key of Object.keys(data)) {
    if (!CONFIG_KEY.test(key) || key.length > 253) {
      causes.push(
        invalidValue(
          field,
          key,
          "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
        ),
      );
    }
  }
}

const RBAC_GROUP = 'rbac.authorization.k8s.io';
const nonEmptyList = (v: unknown) => Array.isArray(v) && v.length > 0;

// The API server's PolicyRule checks: a rule names verbs and either resources
// (with their API groups) or, in ClusterRoles only, non-resource URLs.
function validatePolicyRules(
  obj: KubeObject,
  namespaced: boolean,
  causes: StatusCause[],
) {
  const rules = Array.isArray(obj.rules) ? obj.rules : [];
  rules.forEach((raw, i) => {
    const at = `rules[${i}]`;
    const rule = isPlainObject(raw) ? raw : {};
    if (!nonEmptyList(rule.verbs)) {
      causes.push(
        required(`${at}.verbs`, 'verbs must contain at least one value'),
      );
    }
    if (nonEmptyList(rule.nonResourceURLs)) {
      if (namespaced) {
        causes.push(
          invalidValue(
            `${at}.nonResourceURLs`,
            rule.nonResourceURLs,
            'namespaced rules cannot apply to non-resource URLs',
          ),
        );
      }
      if (nonEmptyList(rule.apiGroups) || nonEmptyList(rule.resources)) {
        causes.push(
          invalidValue(
            `${at}.nonResourceURLs`,
            rule.nonResourceURLs,
            'rules cannot apply to both regular resources and non-resource URLs',
          ),
        );
      }
      return;
    }
    if (!nonEmptyList(rule.apiGroups)) {
      causes.push(
        required(
          `${at}.apiGroups`,
          'resource rules must supply at least one api group',
        ),
      );
    }
    if (!nonEmptyList(rule.resources)) {
      causes.push(
        required(
          `${at}.resources`,
          'resource rules must supply at least one resource',
        ),
      );
    }
  });
}

function validateRoleBinding(
  obj: KubeObject,
  namespaced: boolean,
  causes: StatusCause[],
) {
  const roleRef = isPlainObject(obj.roleRef) ? obj.roleRef : {};
  if (roleRef.apiGroup !== RBAC_GROUP) {
    causes.push(
      unsupported('roleRef.apiGroup', roleRef.apiGroup, [RBAC_GROUP]),
    );
  }
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!kinds.includes(String(roleRef.kind))) {
    causes.push(unsupported('roleRef.kind', roleRef.kind, kinds));
  }
  if (typeof roleRef.name !== 'string' || !roleRef.name) {
    causes.push(required('roleRef.name'));
  }
  const subjects = Array.isArray(obj.subjects) ? obj.subjects : [];
  subjects.forEach((raw, i) => {
    const at = `subjects[${i}]`;
    const subject = isPlainObject(raw) ? raw : {};
    if (typeof subject.name !== 'string' || !subject.name) {
      causes.push(required(`${at}.name`));
    }
    if (!['ServiceAccount', 'User', 'Group'].includes(String(subject.kind))) {
      causes.push(
        unsupported(`${at}.kind`, subject.kind, [
          'ServiceAccount',
          'User',
          'Group',
        ]),
      );
    }
    // A ClusterRoleBinding cannot default a service account's namespace.
    if (
      subject.kind === 'ServiceAccount' &&
      !namespaced &&
      !subject.namespace
    ) {
      causes.push(required(`${at}.namespace`));
    }
  });
}

function validateDeployment(obj: KubeObject, causes: StatusCause[]) {
  const spec = isPlainObject(obj.spec) ? obj.spec : {};
  const selector = spec.selector;
  if (!isPlainObject(selector)) {
    causes.push(required('spec.selector'));
  }
  const template = isPlainObject(spec.template) ? spec.template : {};
  const templateMeta = isPlainObject(template.metadata)
    ? template.metadata
    : {};
  const labels = isPlainObject(templateMeta.labels)
    ? (templateMeta.labels as Record<string, string>)
    : {};
  if (isPlainObject(selector)) {
    const matchLabels = isPlainObject(selector.matchLabels)
      ? selector.matchLabels
      : {};
    const requirements = Object.entries(matchLabels).map(([key, value]) => ({
      key,
      operator: 'equals' as const,
      values: [String(value)],
    }));
    if (
      requirements.length === 0 &&
      !Array.isArray(selector.matchExpressions)
    ) {
      causes.push(
        invalidValue(
          'spec.selector',
          selector,
          'empty selector is invalid for deployment',
        ),
      );
    } else if (!matchesLabels(requirements, labels)) {
      causes.push(
        invalidValue(
          'spec.template.metadata.labels',
          labels,
          '`selector` does not match template `labels`',
        ),
      );
    }
  }
  validatePodSpec(template.spec, 'spec.template.spec', causes);
  if (
    spec.replicas !== undefined &&
    (typeof spec.replicas !== 'number' || spec.replicas < 0)
  ) {
    causes.push(
      invalidValue(
        'spec.replicas',
        spec.replicas,
        'must be greater than or equal to 0',
      ),
    );
  }
}

function validateService(obj: KubeObject, causes: StatusCause[]) {
  const spec = isPlainObject(obj.spec) ? obj.spec : {};
  const headless = spec.clusterIP === 'None';
  const ports = spec.ports;
  if (
    spec.type !== 'ExternalName' &&
    !headless &&
    (!Array.isArray(ports) || ports.length === 0)
  ) {
    causes.push(required('spec.ports'));
  }
  if (Array.isArray(ports)) {
    ports.forEach((p, i) => {
      const port = isPlainObject(p) ? p.port : undefined;
      if (typeof port !== 'number' || port < 1 || port > 65535) {
        causes.push(
          port === undefined
            ? required(`spec.ports[${i}].port`)
            : invalidValue(
                `spec.ports[${i}].port`,
                port,
                'must be between 1 and 65535, inclusive',
              ),
        );
      }
    });
  }
}

function validateCrd(obj: KubeObject, causes: StatusCause[]) {
  const spec = isPlainObject(obj.spec) ? obj.spec : {};
  const names = isPlainObject(spec.names) ? spec.names : {};
  if (typeof spec.group !== 'string' || !spec.group) {
    causes.push(required('spec.group'));
  } else if (!spec.group.includes('.')) {
    causes.push(
      invalidValue(
        'spec.group',
        spec.group,
        'should be a domain with at least one dot',
      ),
    );
  }
  if (typeof names.plural !== 'string' || !names.plural) {
    causes.push(required('spec.names.plural'));
  }
  if (typeof names.kind !== 'string' || !names.kind) {
    causes.push(required('spec.names.kind'));
  }
  if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster') {
    causes.push(
      unsupported('spec.scope', spec.scope, ['Cluster', 'Namespaced']),
    );
  }
  const versions = Array.isArray(spec.versions)
    ? spec.versions.filter(isPlainObject)
    : [];
  if (versions.length === 0) {
    causes.push(required('spec.versions'));
  } else if (versions.filter(v => v.storage === true).length !== 1) {
    causes.push(
      invalidValue(
        'spec.versions',
        null,
        'must have exactly one version marked as storage version',
      ),
    );
  }
  const expected = `${names.plural}.${spec.group}`;
  if (obj.metadata.name !== expected) {
    causes.push(
      invalidValue(
        'metadata.name',
        obj.metadata.name,
        `must be spec.names.plural+"."+spec.group`,
      ),
    );
  }
}

const TYPE_CHECKS: Record<string, (v: unknown) => boolean> = {
  object: isPlainObject,
  array: Array.isArray,
  string: v => typeof v === 'string',
  integer: v => typeof v === 'number' && Number.isInteger(v),
  number: v => typeof v === 'number',
  boolean: v => typeof v === 'boolean',
};

/** Checks the structural-schema basics CRDs rely on: type, required, enum. */
export function validateAgainstSchema(
  value: unknown,
  schema: JsonObject,
  field: string,
  causes: StatusCause[],
): void {
  const type = schema.type as string | undefined;
  const intOrString = schema['x-kubernetes-int-or-string'] === true;
  if (intOrString) {
    if (typeof value !== 'string' && !TYPE_CHECKS.integer(value)) {
      causes.push(
        invalidValue(
          field,
          value,
          `${field} in body must be of type int-or-string`,
        ),
      );
    }
    return;
  }
  if (type && TYPE_CHECKS[type] && !TYPE_CHECKS[type](value)) {
    let actual: string = typeof value;
    if (Array.isArray(value)) actual = 'array';
    if (value === null) actual = 'null';
    causes.push(
      invalidValue(
        field,
        actual,
        `${field} in body must be of type ${type}: ${JSON.stringify(actual)}`,
      ),
    );
    return;
  }
  if (Array.isArray(schema.enum) && !schema.enum.some(e => e === value)) {
    causes.push({
      reason: 'FieldValueNotSupported',
      message: `Unsupported value: ${JSON.stringify(
        value,
      )}: supported values: ${schema.enum
        .map(e => JSON.stringify(e))
        .join(', ')}`,
      field,
    });
  }
  if (isPlainObject(value)) {
    const properties = isPlainObject(schema.properties)
      ? schema.properties
      : {};
    for (const name of Array.isArray(schema.required) ? schema.required : []) {
      if (value[String(name)] === undefined) {
        causes.push(required(`${field}.${name}`));
      }
    }
    for (const [key, child] of Object.entries(value)) {
      let childSchema: unknown = properties[key];
      if (!isPlainObject(childSchema)) {
        childSchema = isPlainObject(schema.additionalProperties)
          ? schema.additionalProperties
          : undefined;
      }
      if (childSchema && child !== undefined) {
        validateAgainstSchema(
          child,
          childSchema as JsonObject,
          `${field}.${key}`,
          causes,
        );
      }
    }
  }
  if (Array.isArray(value) && isPlainObject(schema.items)) {
    value.forEach((item, i) =>
      validateAgainstSchema(
        item,
        schema.items as JsonObject,
        `${field}[${i}]`,
        causes,
      ),
    );
  }
}

const QUANTITY = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;
/** Extended resources (requests.nvidia.com/gpu) are counted in whole units. */
const EXTENDED_REQUEST = /^requests\.[^/]+\/.+$/;

function validateResourceQuota(obj: KubeObject, causes: StatusCause[]) {
  const spec = isPlainObject(obj.spec) ? obj.spec : {};
  if (spec.hard === undefined) return;
  if (!isPlainObject(spec.hard)) {
    causes.push(
      invalidValue('spec.hard', spec.hard, 'must be a map of quantities'),
    );
    return;
  }
  for (const [key, value] of Object.entries(spec.hard)) {
    const field = `spec.hard[${key}]`;
    const quantity = String(value);
    if (
      !['string', 'number'].includes(typeof value) ||
      !QUANTITY.test(quantity)
    ) {
      causes.push(
        invalidValue(
          field,
          value,
          `quantities must match the regular expression '${QUANTITY.source}'`,
        ),
      );
    } else if (quantity.startsWith('-')) {
      causes.push(
        invalidValue(field, quantity, 'must be greater than or equal to 0'),
      );
    } else if (EXTENDED_REQUEST.test(key) && !/^\+?\d+$/.test(quantity)) {
      causes.push(invalidValue(field, quantity, 'must be an integer'));
    }
  }
}

/** All field problems with the object as it would be stored. */
export function validateObject(
  type: ResourceType,
  obj: KubeObject,
): StatusCause[] {
  const causes: StatusCause[] = [];
  const name = obj.metadata.name;
  if (!name) {
    causes.push({
      reason: 'FieldValueRequired',
      message: 'Required value: name or generateName is required',
      field: 'metadata.name',
    });
  } else {
    const problem = nameProblem(name, type.nameRule);
    if (problem) {
      causes.push(invalidValue('metadata.name', name, problem));
    }
  }
  validateLabels(obj.metadata.labels, 'metadata.labels', causes);
  if (
    obj.metadata.annotations !== undefined &&
    !isPlainObject(obj.metadata.annotations)
  ) {
    causes.push(
      invalidValue(
        'metadata.annotations',
        obj.metadata.annotations,
        'must be a map',
      ),
    );
  }
  switch (`${type.group}/${type.kind}`) {
    case '/Pod':
      validatePodSpec(obj.spec, 'spec', causes);
      break;
    case 'apps/Deployment':
    case 'apps/ReplicaSet':
      validateDeployment(obj, causes);
      break;
    case '/Service':
      validateService(obj, causes);
      break;
    case '/ConfigMap':
      validateDataKeys(obj.data, 'data', causes);
      validateDataKeys(obj.binaryData, 'binaryData', causes);
      break;
    case '/Secret':
      validateDataKeys(obj.data, 'data', causes);
      break;
    case '/ResourceQuota':
      validateResourceQuota(obj, causes);
      break;
    case 'apiextensions.k8s.io/CustomResourceDefinition':
      validateCrd(obj, causes);
      break;
    case `${RBAC_GROUP}/Role`:
    case `${RBAC_GROUP}/ClusterRole`:
      validatePolicyRules(obj, type.namespaced, causes);
      break;
    case `${RBAC_GROUP}/RoleBinding`:
    case `${RBAC_GROUP}/ClusterRoleBinding`:
      validateRoleBinding(obj, type.namespaced, causes);
      break;
    default:
      break;
  }
  if (type.schema) {
    const { apiVersion, kind, metadata, ...rest } = obj;
    const properties = isPlainObject(type.schema.properties)
      ? type.schema.properties
      : {};
    for (const [key, value] of Object.entries(rest)) {
      if (isPlainObject(properties[key]) && value !== undefined) {
        validateAgainstSchema(
          value,
          properties[key] as JsonObject,
          key,
          causes,
        );
      }
    }
    for (const key of Array.isArray(type.schema.required)
      ? type.schema.required
      : []) {
      if (
        !['apiVersion', 'kind', 'metadata'].includes(String(key)) &&
        rest[String(key)] === undefined
      ) {
        causes.push(required(String(key)));
      }
    }
  }
  return causes;
}
