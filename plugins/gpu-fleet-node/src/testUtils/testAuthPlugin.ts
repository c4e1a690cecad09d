import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import Router from 'express-promise-router';
import type { TestUserTokens } from './TestUserTokens';

/**
 * Stands in for the auth backend inside the backend under test: the real
 * auth service fetches user-token keys from discovery's `auth` base URL, and
 * the real userInfo service asks it for a limited token's ownership claims.
 */
export function testAuthPlugin(tokens: TestUserTokens) {
  return createBackendPlugin({
    pluginId: 'auth',
    register(env) {
      env.registerInit({
        deps: { httpRouter: coreServices.httpRouter },
        async init({ httpRouter }) {
          const router = Router();
          router.get('/.well-known/jwks.json', (_req, res) => {
            res.json(tokens.publicKeys());
          });
          router.get('/v1/userinfo', async (req, res) => {
            const token = /^Bearer[ ]+(\S+)$/i.exec(
              req.headers.authorization ?? '',
            )?.[1];
            const claims = token ? await tokens.userInfo(token) : undefined;
            if (!claims) {
              res.status(401).json({ error: { name: 'AuthenticationError' } });
              return;
            }
            res.json({ claims });
          });
          httpRouter.use(router);
          // As the auth backend: its routes check tokens themselves.
          httpRouter.addAuthPolicy({ path: '/', allow: 'unauthenticated' });
        },
      });
    },
  });
}
