import { InputError } from '@backstage/errors';
import { TemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  DeploymentManifest,
  deploymentManifestJsonSchema,
  deploymentManifestSchema,
  describeZodIssues,
} from '@gpu-fleet/plugin-gpu-fleet-common';

/**
 * Checks a step's manifest with the schema the backend uses, so a template
 * fails on its own step with every field at fault named, before anything
 * is sent.
 */
export function parseManifest(input: unknown): DeploymentManifest {
  const result = deploymentManifestSchema.safeParse(input);
  if (!result.success) {
    const issues = describeZodIssues(result.error).map(i => `manifest.${i}`);
    throw new InputError(`Invalid deployment manifest: ${issues.join('; ')}`);
  }
  return result.data;
}

/**
 * The scaffolder validates input with JSON Schema made from zod 3; the
 * manifest's schema lives in gpu-fleet-common in zod 4, so its JSON Schema
 * replaces the placeholder the action declares.
 */
export function withManifestJsonSchema<T extends TemplateAction<any, any, any>>(
  action: T,
): T {
  const input = action.schema?.input as
    | { properties?: Record<string, unknown> }
    | undefined;
  if (!input?.properties?.manifest) {
    throw new Error(`${action.id} declares no manifest input`);
  }
  const { $schema: _unused, ...manifest } = deploymentManifestJsonSchema();
  input.properties.manifest = {
    ...manifest,
    description: 'A GPU Fleet deployment manifest (README: Deployments)',
  };
  return action;
}

/** Where a deployment's page is, relative to the portal's root. */
export function deploymentPagePath(workspace: string, name: string) {
  return `/gpu-fleet/workspaces/${encodeURIComponent(
    workspace,
  )}/deployments/${encodeURIComponent(name)}`;
}

/** The catalog Component GPU Fleet's entity provider makes for a deployment. */
export function deploymentEntityRef(workspace: string, name: string) {
  return `component:${workspace}/${name}`;
}
