import {
  AuthenticationError,
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ResponseError,
} from '@backstage/errors';

/**
 * The error a GPU Fleet API call failed with, as the kind the backend threw
 * and with its message, so whoever reads it (a template's step log) sees
 * "NotAllowedError: not allowed: ... on 'ml-inference'", not a bare status.
 * A refused change lists every unmet requirement.
 */
export async function gpuFleetApiError(response: Response): Promise<Error> {
  const text = await response.clone().text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    return ResponseError.fromResponse(response);
  }
  const message: string | undefined = body?.error?.message;
  if (typeof message !== 'string') return ResponseError.fromResponse(response);
  const unmet: Array<{ message: string }> = Array.isArray(body.unmet)
    ? body.unmet
    : [];
  const full = unmet.length
    ? `${message}; not met: ${unmet.map(u => u.message).join('; ')}`
    : message;
  switch (response.status) {
    case 400:
      return new InputError(full);
    case 401:
      return new AuthenticationError(full);
    case 403:
      return new NotAllowedError(full);
    case 404:
      return new NotFoundError(full);
    case 409:
      return new ConflictError(full);
    default:
      return ResponseError.fromResponse(response);
  }
}
