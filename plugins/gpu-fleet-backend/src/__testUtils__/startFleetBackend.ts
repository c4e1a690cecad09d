import { BackendFeature } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { JsonObject } from '@backstage/types';
import {
  gpuFleetCapacityReadPermission,
  gpuFleetClusterReadPermission,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import {
  pluginDatabaseFactory,
  testPermissionPolicy,
  TestUserTokens,
} from '@gpu-fleet/plugin-gpu-fleet-node/testUtils';
import { Knex } from 'knex';
import { gpuFleetPlugin } from '../plugin';

/** Fleet admin: every permission. */
export const ALICE = 'user:default/alice';
/** Viewer: reads clusters and capacity, changes nothing, no proxy. */
export const BOB = 'user:default/bob';
/** Signed in, granted nothing. */
export const CAROL = 'user:default/carol';

const VIEWER_PERMISSIONS = [
  gpuFleetClusterReadPermission.name,
  gpuFleetCapacityReadPermission.name,
];

/** The three users above, decided by Backstage's real permission backend. */
export function fleetTestPolicy(): BackendFeature[] {
  return testPermissionPolicy(
    (user, permission) =>
      user.userEntityRef === ALICE ||
      (user.userEntityRef === BOB &&
        VIEWER_PERMISSIONS.includes(permission.name)),
  );
}

/** Authorization headers: each user's real token, and ones that must be refused. */
export interface FleetCallers {
  alice: string;
  bob: string;
  carol: string;
  /** Alice's claims, signed with a key the backend never published. */
  forged: string;
  /** Alice's, correctly signed, expired. */
  expired: string;
}

export async function fleetCallers(
  tokens: TestUserTokens,
): Promise<FleetCallers> {
  const bearer = async (token: Promise<string>) => `Bearer ${await token}`;
  return {
    alice: await bearer(tokens.token(ALICE)),
    bob: await bearer(tokens.token(BOB)),
    carol: await bearer(tokens.token(CAROL)),
    forged: await bearer(tokens.forgedToken(ALICE)),
    expired: await bearer(tokens.expiredToken(ALICE)),
  };
}

/**
 * The GPU Fleet plugin in a test backend that authenticates with Backstage's
 * real auth services and decides through the real permission backend, so
 * a request without a valid token is refused as in production.
 */
export async function startFleetBackend(
  options: {
    /** The plugin's database; the other plugins get their own. */
    knex?: Knex;
    /** Root config; `permission.enabled` is added. */
    config?: JsonObject;
    /** More features, e.g. a scheduler or permissions mock. */
    features?: BackendFeature[];
    /** Shared between backends that must accept the same users' tokens. */
    tokens?: TestUserTokens;
    /** false: leave permissions to a service in `features`. */
    policy?: boolean;
  } = {},
) {
  const tokens = options.tokens ?? (await TestUserTokens.create());
  const backend = await startTestBackend({
    features: [
      gpuFleetPlugin,
      ...tokens.backendFeatures(),
      ...(options.policy === false ? [] : fleetTestPolicy()),
      ...(options.knex
        ? [pluginDatabaseFactory('gpu-fleet', options.knex)]
        : []),
      mockServices.rootConfig.factory({
        data: { ...options.config, permission: { enabled: true } },
      }),
      ...(options.features ?? []),
    ],
  });
  const port = backend.server.port();
  return {
    backend,
    server: backend.server,
    port,
    base: `http://localhost:${port}/api/gpu-fleet`,
    tokens,
    as: await fleetCallers(tokens),
  };
}
