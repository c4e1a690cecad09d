import { z } from 'zod';
import { deploymentManifestSchema } from './manifestSchema';

let cached: Record<string, unknown> | undefined;

/**
 * The manifest schema as JSON Schema, for tools that validate with JSON
 * Schema (the scaffolder checks action input this way). It describes the
 * input shape; cross-field rules stay with `deploymentManifestSchema`.
 */
export function deploymentManifestJsonSchema(): Record<string, unknown> {
  cached ??= z.toJSONSchema(deploymentManifestSchema, {
    io: 'input',
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  return structuredClone(cached);
}
