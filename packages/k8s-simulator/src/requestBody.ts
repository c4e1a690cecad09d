/** Reading request bodies and decoding them by Content-Type (JSON, YAML, patch flavours). */

import { IncomingMessage } from 'node:http';
import YAML from 'yaml';
import { PatchType } from './ClusterState';
import {
  badRequest,
  requestEntityTooLarge,
  unsupportedMediaType,
} from './statusErrors';

/** The real API server's default limit for request bodies. */
export const DEFAULT_MAX_BODY_BYTES = 3 * 1024 * 1024;

export async function readBody(
  req: IncomingMessage,
  limit: number,
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      throw requestEntityTooLarge(limit);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0].trim().toLowerCase();
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw badRequest(
      `couldn't get version/kind; json parse error: ${(e as Error).message}`,
    );
  }
}

function parseYaml(text: string): unknown {
  try {
    const docs = YAML.parseAllDocuments(text);
    if (docs.length !== 1) {
      throw new Error(`expected exactly one document, found ${docs.length}`);
    }
    if (docs[0].errors.length > 0) {
      throw docs[0].errors[0];
    }
    return docs[0].toJS();
  } catch (e) {
    throw badRequest(`error converting YAML to JSON: ${(e as Error).message}`);
  }
}

/** Decodes a create/update body: JSON or YAML (YAML also when no type is given). */
export function decodeObjectBody(
  text: string,
  contentType: string | undefined,
): unknown {
  const type = mediaType(contentType);
  if (type === 'application/json') {
    return parseJson(text);
  }
  if (
    type === 'application/yaml' ||
    type === 'text/yaml' ||
    type === '' ||
    type === '*/*'
  ) {
    return parseYaml(text);
  }
  throw unsupportedMediaType(type);
}

export type PatchKind = PatchType | 'apply';

/** Which patch the Content-Type announces, and its decoded body. */
export function decodePatchBody(
  text: string,
  contentType: string | undefined,
): { kind: PatchKind; body: unknown } {
  const type = mediaType(contentType);
  switch (type) {
    case 'application/merge-patch+json':
      return { kind: 'merge', body: parseJson(text) };
    case 'application/strategic-merge-patch+json':
      return { kind: 'strategic', body: parseJson(text) };
    case 'application/json-patch+json':
      return { kind: 'json', body: parseJson(text) };
    case 'application/apply-patch+yaml':
      return { kind: 'apply', body: parseYaml(text) };
    default:
      throw unsupportedMediaType(type);
  }
}

/** DELETE may carry DeleteOptions; an empty or unparsable body means defaults. */
export function decodeDeleteOptions(text: string): Record<string, unknown> {
  if (!text.trim()) {
    return {};
  }
  const parsed = parseYaml(text);
  return typeof parsed === 'object' && parsed !== null
    ? (parsed as Record<string, unknown>)
    : {};
}
