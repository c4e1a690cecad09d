import { Request, Response } from 'express';
import { TunnelRequestError } from '../gateway/TunnelStream';
import { KubeRequestAttributes } from './kubeRequestAttributes';
import { ProxyAccess } from './ProxyAccess';

const MAX_REVIEW_BYTES = 64 * 1024;
const VERBS = new Set<KubeRequestAttributes['verb']>([
  'get',
  'list',
  'watch',
  'create',
  'update',
  'patch',
  'delete',
  'deletecollection',
]);

/** `kubectl auth can-i` asks this; the agent's own answer would be about the agent. */
export function isAccessReview(
  method: string,
  attributes: KubeRequestAttributes,
): boolean {
  return (
    method === 'POST' &&
    attributes.apiGroup === 'authorization.k8s.io' &&
    attributes.resource === 'selfsubjectaccessreviews' &&
    attributes.name === undefined
  );
}

async function readReview(req: Request): Promise<any> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_REVIEW_BYTES) {
      throw new TunnelRequestError(
        `request body: over the ${MAX_REVIEW_BYTES}-byte limit for an access review`,
        413,
      );
    }
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new TunnelRequestError('request body: not a JSON access review', 400);
  }
}

function reviewedAttributes(review: any): KubeRequestAttributes {
  if (review?.kind !== 'SelfSubjectAccessReview') {
    throw new TunnelRequestError('kind: must be SelfSubjectAccessReview', 400);
  }
  const resource = review.spec?.resourceAttributes;
  const nonResource = review.spec?.nonResourceAttributes;
  const verb = (resource ?? nonResource)?.verb;
  if (!VERBS.has(verb)) {
    throw new TunnelRequestError(
      `spec.resourceAttributes.verb: must be one of ${[...VERBS].join(', ')}`,
      400,
    );
  }
  if (!resource) return { verb, apiGroup: '' };
  const text = (value: unknown) =>
    typeof value === 'string' && value !== '' ? value : undefined;
  return {
    verb,
    apiGroup: text(resource.group) ?? '',
    resource: text(resource.resource),
    subresource: text(resource.subresource),
    namespace: text(resource.namespace),
    name: text(resource.name),
  };
}

/**
 * Answers a SelfSubjectAccessReview with GPU Fleet's own decision for the
 * caller, the one the proxy would make for that request, instead of
 * forwarding it to the cluster, where it would review the agent.
 */
export async function answerAccessReview(
  req: Request,
  res: Response,
  cluster: string,
  access: ProxyAccess,
): Promise<void> {
  const review = await readReview(req);
  const attributes = reviewedAttributes(review);
  let allowed = true;
  let reason = 'allowed by GPU Fleet';
  try {
    await access.authorize(req, cluster, attributes);
  } catch (error) {
    if (!(error instanceof TunnelRequestError) || error.status !== 403) {
      throw error;
    }
    allowed = false;
    reason = error.message;
  }
  res.status(201).json({
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    metadata: {},
    spec: review.spec,
    status: { allowed, ...(allowed ? {} : { denied: true }), reason },
  });
}
