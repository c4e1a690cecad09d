import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  createPermission,
} from '@backstage/plugin-permission-common';
import Router from 'express-promise-router';
import { allowOnlyUsers } from './testPermissionPolicy';
import { TestUserTokens } from './TestUserTokens';

const readPermission = createPermission({
  name: 'test.thing.read',
  attributes: { action: 'read' },
});

/** Answers who the caller is and whether the policy lets them read. */
const whoamiPlugin = createBackendPlugin({
  pluginId: 'whoami',
  register(env) {
    env.registerInit({
      deps: {
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
      },
      async init({ httpRouter, httpAuth, permissions }) {
        const router = Router();
        router.get('/me', async (req, res) => {
          const credentials = await httpAuth.credentials(req, {
            allow: ['user', 'service'],
          });
          const [decision] = await permissions.authorize(
            [{ permission: readPermission }],
            { credentials },
          );
          res.json({
            principal: credentials.principal,
            result: decision.result,
          });
        });
        httpRouter.use(router);
      },
    });
  },
});

/** Calls whoami as itself, the way one plugin reaches another. */
const callerPlugin = createBackendPlugin({
  pluginId: 'caller',
  register(env) {
    env.registerInit({
      deps: {
        httpRouter: coreServices.httpRouter,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
      },
      async init({ httpRouter, auth, discovery }) {
        const router = Router();
        router.get('/ask', async (_req, res) => {
          const { token } = await auth.getPluginRequestToken({
            onBehalfOf: await auth.getOwnServiceCredentials(),
            targetPluginId: 'whoami',
          });
          const answer = await fetch(
            `${await discovery.getBaseUrl('whoami')}/me`,
            { headers: { Authorization: `Bearer ${token}` } },
          );
          res.status(answer.status).json(await answer.json());
        });
        httpRouter.use(router);
        httpRouter.addAuthPolicy({ path: '/ask', allow: 'unauthenticated' });
      },
    });
  },
});

function unsignedToken(sub: string) {
  const part = (value: object) =>
    Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${part({ typ: 'vnd.backstage.user', alg: 'none' })}.${part({
    sub,
    ent: [sub],
    aud: 'backstage',
    iat: now,
    exp: now + 3600,
  })}.`;
}

describe('TestUserTokens', () => {
  async function start() {
    const tokens = await TestUserTokens.create();
    const { server } = await startTestBackend({
      features: [
        whoamiPlugin,
        callerPlugin,
        ...tokens.backendFeatures(),
        ...allowOnlyUsers('user:default/alice'),
        mockServices.rootConfig.factory({
          data: { permission: { enabled: true } },
        }),
      ],
    });
    const base = `http://localhost:${server.port()}/api`;
    const me = (authorization?: string) =>
      fetch(`${base}/whoami/me`, {
        headers: authorization ? { Authorization: authorization } : {},
      });
    return { tokens, base, me };
  }

  it('authenticates a signed token as its user, and the policy tells users apart', async () => {
    const { tokens, me } = await start();

    const alice = await me(
      `Bearer ${await tokens.token('user:default/alice')}`,
    );
    expect(alice.status).toBe(200);
    expect(await alice.json()).toEqual({
      principal: { type: 'user', userEntityRef: 'user:default/alice' },
      result: AuthorizeResult.ALLOW,
    });

    const bob = await me(`Bearer ${await tokens.token('user:default/bob')}`);
    expect(bob.status).toBe(200);
    expect(await bob.json()).toEqual({
      principal: { type: 'user', userEntityRef: 'user:default/bob' },
      result: AuthorizeResult.DENY,
    });
  });

  it('refuses no token, a forged one, an expired one and a mock one with 401', async () => {
    const { tokens, me } = await start();
    const refused = [
      undefined,
      `Bearer ${await tokens.forgedToken('user:default/alice')}`,
      `Bearer ${await tokens.expiredToken('user:default/alice')}`,
      // What startTestBackend's mock auth would take for user:default/mock.
      'Bearer mock-user-token',
      // An unsigned JWT ("alg": "none").
      `Bearer ${unsignedToken('user:default/alice')}`,
    ];
    for (const authorization of refused) {
      const res = await me(authorization);
      expect({ authorization, status: res.status }).toEqual({
        authorization,
        status: 401,
      });
    }
  });

  it('refuses a token from another issuer of the same shape', async () => {
    const { me } = await start();
    const stranger = await TestUserTokens.create();
    const res = await me(
      `Bearer ${await stranger.token('user:default/alice')}`,
    );
    expect(res.status).toBe(401);
  });

  it('lets plugins call each other with real service tokens', async () => {
    const { base } = await start();
    const res = await fetch(`${base}/caller/ask`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      principal: { type: 'service', subject: 'plugin:caller' },
      result: AuthorizeResult.ALLOW,
    });
  });
});
