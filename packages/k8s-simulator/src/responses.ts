/** Content negotiation from Accept headers and writing JSON/YAML/Status responses. */

import { ServerResponse } from 'node:http';
import YAML from 'yaml';
import { ApiError } from './statusErrors';

export interface ResponseFormat {
  encoding: 'json' | 'yaml';
  /** Set when the client asked for a server-side transformation (`as=Table`, ...). */
  as?: 'Table' | 'PartialObjectMetadata' | 'PartialObjectMetadataList';
}

interface MediaRange {
  type: string;
  params: Record<string, string>;
}

function parseAccept(header: string | undefined): MediaRange[] {
  if (!header) {
    return [];
  }
  return header.split(',').map(part => {
    const [type, ...rest] = part.split(';').map(s => s.trim());
    const params: Record<string, string> = {};
    for (const p of rest) {
      const eq = p.indexOf('=');
      if (eq > 0) params[p.slice(0, eq).trim()] = p.slice(eq + 1).trim();
    }
    return { type: type.toLowerCase(), params };
  });
}

const ENCODINGS: Record<string, 'json' | 'yaml' | undefined> = {
  'application/json': 'json',
  '*/*': 'json',
  'application/*': 'json',
  'application/yaml': 'yaml',
};

/**
 * Picks the first acceptable representation. Aggregated discovery
 * (`as=APIGroupDiscoveryList`) and protobuf are skipped, so clients fall back
 * to the plain JSON they list after them.
 */
export function chooseFormat(accept: string | undefined): ResponseFormat {
  for (const range of parseAccept(accept)) {
    const { type, params } = range;
    const encoding = ENCODINGS[type];
    if (!encoding) {
      continue;
    }
    if (params.g === 'apidiscovery.k8s.io') {
      continue;
    }
    if (
      params.as === 'Table' ||
      params.as === 'PartialObjectMetadata' ||
      params.as === 'PartialObjectMetadataList'
    ) {
      return { encoding, as: params.as };
    }
    if (params.as) {
      continue;
    }
    return { encoding };
  }
  return { encoding: 'json' };
}

export function writeBody(
  res: ServerResponse,
  code: number,
  body: unknown,
  encoding: 'json' | 'yaml' = 'json',
): void {
  const text =
    encoding === 'yaml' ? YAML.stringify(body) : JSON.stringify(body);
  res.writeHead(code, {
    'Content-Type':
      encoding === 'yaml' ? 'application/yaml' : 'application/json',
    'Cache-Control': 'no-cache, private',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

export function writeStatusError(res: ServerResponse, error: ApiError): void {
  if (res.headersSent) {
    // Mid-stream failures can only end the stream.
    res.destroy();
    return;
  }
  writeBody(res, error.code, error.toStatus());
}

export function writeText(
  res: ServerResponse,
  code: number,
  text: string,
): void {
  res.writeHead(code, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}
