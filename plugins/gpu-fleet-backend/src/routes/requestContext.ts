import {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import {
  AuthorizePermissionRequest,
  AuthorizeResult,
  BasicPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  clusterNameSchema,
  describeZodIssues,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { Request } from 'express';
import { z } from 'zod';

/**
 * Authorises the request and returns the caller's credentials. A resource
 * permission names its resource (a cluster's or workspace's name); the
 * framework applies a conditional decision to it.
 */
export async function authorizeCredentials(
  req: Request,
  permission: BasicPermission | ResourcePermission,
  deps: { httpAuth: HttpAuthService; permissions: PermissionsService },
  resourceRef?: string,
): Promise<BackstageCredentials> {
  // Never a 'none' principal, even on a route the router lets through.
  const credentials = await deps.httpAuth.credentials(req, {
    allow: ['user', 'service'],
  });
  const request = (
    permission.type === 'resource'
      ? { permission, resourceRef }
      : { permission }
  ) as AuthorizePermissionRequest;
  const [decision] = await deps.permissions.authorize([request], {
    credentials,
  });
  if (decision.result !== AuthorizeResult.ALLOW) {
    const on = resourceRef ? ` on '${resourceRef}'` : '';
    throw new NotAllowedError(`not allowed: ${permission.name}${on}`);
  }
  return credentials;
}

/** Authorises the request and returns who is acting, for the audit log. */
export async function authorize(
  req: Request,
  permission: BasicPermission | ResourcePermission,
  deps: { httpAuth: HttpAuthService; permissions: PermissionsService },
  resourceRef?: string,
): Promise<string> {
  const credentials = await authorizeCredentials(
    req,
    permission,
    deps,
    resourceRef,
  );
  const principal = credentials.principal as any;
  return principal.userEntityRef ?? principal.subject ?? 'unknown';
}

/** Validates once, at the edge; the message names every field at fault. */
export function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new InputError(describeZodIssues(result.error).join('; '));
  }
  return result.data;
}

export function clusterNameParam(req: Request): string {
  const result = clusterNameSchema.safeParse(req.params.name);
  if (!result.success) {
    throw new InputError(
      `name: ${result.error.issues[0]?.message ?? 'invalid cluster name'}`,
    );
  }
  return result.data;
}
