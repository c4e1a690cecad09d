/** meta/v1 Status errors shaped exactly like the real API server's responses. */

/** @public */
export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

/** @public */
export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/** @public */
export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, unknown>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

/** Identifies a resource the way error messages name it: plural plus group. */
export interface QualifiedResource {
  group: string;
  plural: string;
}

/** @public */
export class ApiError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly details?: StatusDetails;

  constructor(
    code: number,
    reason: string,
    message: string,
    details?: StatusDetails,
  ) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.reason = reason;
    this.details = details;
  }

  toStatus(): Status {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

function qualifiedName(resource: QualifiedResource): string {
  return resource.group
    ? `${resource.plural}.${resource.group}`
    : resource.plural;
}

function resourceDetails(
  resource: QualifiedResource,
  name: string,
): StatusDetails {
  return {
    name,
    ...(resource.group ? { group: resource.group } : {}),
    kind: resource.plural,
  };
}

export function notFound(resource: QualifiedResource, name: string): ApiError {
  return new ApiError(
    404,
    'NotFound',
    `${qualifiedName(resource)} "${name}" not found`,
    resourceDetails(resource, name),
  );
}

export function alreadyExists(
  resource: QualifiedResource,
  name: string,
): ApiError {
  return new ApiError(
    409,
    'AlreadyExists',
    `${qualifiedName(resource)} "${name}" already exists`,
    resourceDetails(resource, name),
  );
}

export function conflict(
  resource: QualifiedResource,
  name: string,
  reason: string,
): ApiError {
  return new ApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedName(
      resource,
    )} "${name}": ${reason}`,
    resourceDetails(resource, name),
  );
}

export function staleResourceVersion(
  resource: QualifiedResource,
  name: string,
): ApiError {
  return conflict(
    resource,
    name,
    'the object has been modified; please apply your changes to the latest version and try again',
  );
}

/** 422 with one cause per invalid field; `kind` is the Kind (Pod), as in the real server. */
export function invalid(
  kind: string,
  group: string,
  name: string,
  causes: StatusCause[],
): ApiError {
  const summary =
    causes.length === 1
      ? `${causes[0].field}: ${causes[0].message}`
      : `[${causes.map(c => `${c.field}: ${c.message}`).join(', ')}]`;
  return new ApiError(
    422,
    'Invalid',
    `${kind}${group ? `.${group}` : ''} "${name}" is invalid: ${summary}`,
    {
      name,
      ...(group ? { group } : {}),
      kind,
      causes,
    },
  );
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

export function methodNotAllowed(): ApiError {
  return new ApiError(
    405,
    'MethodNotAllowed',
    'the server does not allow this method on the requested resource',
    {},
  );
}

export function resourceNotServed(): ApiError {
  return new ApiError(
    404,
    'NotFound',
    'the server could not find the requested resource',
    {},
  );
}

export function expired(message: string): ApiError {
  return new ApiError(410, 'Expired', message);
}

export function unsupportedMediaType(contentType: string): ApiError {
  return new ApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/merge-patch+json, application/strategic-merge-patch+json, application/json-patch+json, application/apply-patch+yaml (got ${
      contentType || 'none'
    })`,
  );
}

export function requestEntityTooLarge(limit: number): ApiError {
  return new ApiError(
    413,
    'RequestEntityTooLarge',
    `Request entity too large: limit is ${limit}`,
  );
}

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) {
    return error;
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ApiError(
    500,
    'InternalError',
    `Internal error occurred: ${message}`,
  );
}

export function successStatus(details?: StatusDetails): Status {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    ...(details ? { details } : {}),
    code: 200,
  };
}
