import {
  BackendFeature,
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import permissionPlugin from '@backstage/plugin-permission-backend';
import {
  AuthorizeResult,
  Permission,
} from '@backstage/plugin-permission-common';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';

/** Who asks, as the permission backend resolved them from the request's token. */
export interface TestPolicyUser {
  userEntityRef: string;
  ownershipEntityRefs: string[];
}

/**
 * Backstage's real permission backend with a test policy: the decision
 * reaches it over HTTP, on the user's behalf, as in production. `allows`
 * is asked per permission; a request without a user is denied.
 *
 * The test's config must set `permission.enabled: true`; without it the
 * permissions service allows everything and never asks the policy.
 */
export function testPermissionPolicy(
  allows: (user: TestPolicyUser, permission: Permission) => boolean,
): BackendFeature[] {
  const policy = createBackendModule({
    pluginId: 'permission',
    moduleId: 'gpu-fleet-test-policy',
    register(env) {
      env.registerInit({
        deps: {
          policies: policyExtensionPoint,
          config: coreServices.rootConfig,
        },
        async init({ policies, config }) {
          if (!config.getOptionalBoolean('permission.enabled')) {
            throw new Error(
              'testPermissionPolicy needs permission.enabled: true in the test config, or it is never asked',
            );
          }
          policies.setPolicy({
            async handle({ permission }, user) {
              const allowed =
                !!user &&
                allows(
                  {
                    userEntityRef: user.info.userEntityRef,
                    ownershipEntityRefs: user.info.ownershipEntityRefs,
                  },
                  permission,
                );
              return {
                result: allowed ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
              };
            },
          });
        },
      });
    },
  });
  return [permissionPlugin, policy];
}

/** A policy that allows exactly these users everything, and denies everyone else. */
export function allowOnlyUsers(...userEntityRefs: string[]): BackendFeature[] {
  return testPermissionPolicy(user =>
    userEntityRefs.includes(user.userEntityRef),
  );
}
