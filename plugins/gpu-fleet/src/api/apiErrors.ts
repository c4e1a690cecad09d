import { ResponseError } from '@backstage/errors';
import type { UnmetRequirement } from '@gpu-fleet/plugin-gpu-fleet-common';

/** The server's own words when there are any, not just the status line. */
export function errorMessage(error: unknown): string {
  if (error instanceof ResponseError) {
    return error.cause?.message || error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

export interface FieldErrors {
  /** Keyed by top-level field: `addons[2]` and `labels.team` land on `addons` and `labels`. */
  fields: Record<string, string>;
  /** Parts of the message that name no field. */
  general: string[];
}

/**
 * Splits the API's 4xx message ("name: must be ...; region: ...") into
 * messages per field, so a form can show each beside its input.
 */
export function fieldErrors(error: unknown): FieldErrors {
  const result: FieldErrors = { fields: {}, general: [] };
  const status = error instanceof ResponseError ? error.statusCode : undefined;
  const message = errorMessage(error);
  if (status === undefined || status < 400 || status >= 500) {
    result.general.push(message);
    return result;
  }
  for (const part of message.split('; ')) {
    const match = /^([A-Za-z][A-Za-z0-9]*)(?:[[.][^:]*)?: (.+)$/s.exec(part);
    if (match && match[1] !== 'body') {
      const [, field, text] = match;
      result.fields[field] = result.fields[field]
        ? `${result.fields[field]}; ${text}`
        : text;
    } else {
      result.general.push(part);
    }
  }
  return result;
}

/**
 * The requirements a refused retarget (409) listed, if the answer had them:
 * beside the error, or on it as the error handler serialises its fields.
 */
export function unmetRequirementsOf(
  error: unknown,
): UnmetRequirement[] | undefined {
  if (!(error instanceof ResponseError) || error.statusCode !== 409) {
    return undefined;
  }
  const body = error.body as {
    unmet?: unknown;
    error?: { unmet?: unknown };
  };
  const unmet = body.unmet ?? body.error?.unmet;
  return Array.isArray(unmet) ? (unmet as UnmetRequirement[]) : undefined;
}
