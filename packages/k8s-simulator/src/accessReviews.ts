/** SelfSubjectAccessReviews: "may I?", answered from the simulator's rights model and never stored. */

import { AccessRights } from './AccessRights';
import { isPlainObject, JsonObject } from './kubeObject';
import { badRequest, invalid } from './statusErrors';

const API_VERSION = 'authorization.k8s.io/v1';
const KIND = 'SelfSubjectAccessReview';

const text = (value: unknown) => (typeof value === 'string' ? value : '');

/** The review with its status filled in, as the API server answers a create. */
export function answerAccessReview(
  body: unknown,
  rights: AccessRights,
): JsonObject {
  if (!isPlainObject(body)) {
    throw badRequest(`the body of the request must be a ${KIND} object`);
  }
  if (
    (body.apiVersion !== undefined && body.apiVersion !== API_VERSION) ||
    (body.kind !== undefined && body.kind !== KIND)
  ) {
    throw badRequest(
      `the kind in the data (${String(
        body.kind,
      )}) does not match the expected kind (${KIND}) for selfsubjectaccessreviews`,
    );
  }
  const spec = isPlainObject(body.spec) ? body.spec : {};
  const resource = spec.resourceAttributes;
  const nonResource = spec.nonResourceAttributes;
  if (isPlainObject(resource) === isPlainObject(nonResource)) {
    throw invalid(KIND, 'authorization.k8s.io', '', [
      resource
        ? {
            reason: 'FieldValueInvalid',
            message: `Invalid value: ${JSON.stringify(
              nonResource,
            )}: cannot be specified in combination with resourceAttributes`,
            field: 'spec.nonResourceAttributes',
          }
        : {
            reason: 'FieldValueInvalid',
            message:
              'Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified',
            field: 'spec.resourceAttributes',
          },
    ]);
  }
  const decision = isPlainObject(resource)
    ? rights.decide({
        verb: text(resource.verb),
        group: text(resource.group),
        resource: text(resource.resource),
        subresource: text(resource.subresource) || undefined,
        namespace: text(resource.namespace) || undefined,
        name: text(resource.name) || undefined,
      })
    : // Paths such as /healthz are not among the rights the model withholds.
      rights.decide({
        verb: text((nonResource as JsonObject).verb),
        group: '',
        resource: '',
      });
  return {
    kind: KIND,
    apiVersion: API_VERSION,
    metadata: { creationTimestamp: null },
    spec,
    status: decision,
  };
}
