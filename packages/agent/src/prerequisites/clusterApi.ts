import { PrerequisiteResult } from '@gpu-fleet/plugin-gpu-fleet-common';
import { KubeApiForwarder } from '../KubeApiForwarder';

export type CheckOutcome = Omit<PrerequisiteResult, 'id'>;

/** What a check could not see, already phrased as its 'unknown' result. */
export class CannotTell extends Error {
  readonly name = 'CannotTell';
  constructor(message: string, readonly details: Record<string, unknown> = {}) {
    super(message);
  }
}

export interface KubeList {
  items: any[];
  /** Objects beyond the first page, when the API server says. */
  remainingItemCount?: number;
}

/**
 * Lists objects with the agent's own credentials. A type the API server does
 * not serve (404) or the agent may not list (403) cannot be judged, so it
 * becomes CannotTell naming the resource; other failures too.
 */
export async function listObjects(
  kube: KubeApiForwarder,
  path: string,
  what: string,
): Promise<KubeList> {
  const { status, body } = await kube.getJson(path);
  if (status === 200 && Array.isArray(body?.items)) {
    return {
      items: body.items,
      ...(typeof body.metadata?.remainingItemCount === 'number'
        ? { remainingItemCount: body.metadata.remainingItemCount }
        : {}),
    };
  }
  const base = path.split('?')[0];
  if (status === 404) {
    throw new CannotTell(`the API server does not serve ${what} (${base})`, {
      notServed: base,
    });
  }
  if (status === 403) {
    throw new CannotTell(
      `the agent's ServiceAccount may not list ${what} (${base}); grant it list in its ClusterRole`,
      { forbidden: base },
    );
  }
  throw new CannotTell(
    `listing ${what} (${base}) answered HTTP ${status}${
      typeof body?.message === 'string' ? `: ${body.message}` : ''
    }`,
  );
}

/** Like listObjects, but a type that is not served is an empty list, for optional APIs. */
export async function listIfServed(
  kube: KubeApiForwarder,
  path: string,
  what: string,
): Promise<KubeList | undefined> {
  try {
    return await listObjects(kube, path, what);
  } catch (error) {
    if (error instanceof CannotTell && error.details.notServed)
      return undefined;
    throw error;
  }
}

/** At most `max` names, so a report stays small on a large cluster. */
export function firstNames(names: string[], max = 20): string[] {
  return names.length > max
    ? [...names.slice(0, max), `... and ${names.length - max} more`]
    : names;
}

/** A POST answered in JSON, e.g. an access review; `body` is undefined when the answer was not JSON. */
export async function postJson(
  kube: KubeApiForwarder,
  path: string,
  payload: unknown,
  timeoutMs = 10_000,
): Promise<{ status: number; body: any }> {
  const response = await kube.forward({
    method: 'POST',
    path,
    headers: {
      accept: 'application/json',
      'content-type': 'application/json',
    },
    body: Buffer.from(JSON.stringify(payload)),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  try {
    return {
      status: response.statusCode ?? 0,
      body: JSON.parse(Buffer.concat(chunks).toString()),
    };
  } catch {
    return { status: response.statusCode ?? 0, body: undefined };
  }
}
