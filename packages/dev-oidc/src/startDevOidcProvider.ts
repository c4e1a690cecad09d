import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Configuration, JWK } from 'oidc-provider';
import { DEMO_PASSWORD, DEMO_USERS, DemoUser } from './demoUsers';
import { createInteractionHandler } from './interactions';
import { createMemoryAdapterFactory } from './memoryAdapter';
import { renderMessagePage } from './pages';

/** Fixed for local use; app-config.yaml has the same values. */
export const DEFAULT_CLIENT_ID = 'gpu-fleet-portal';
export const DEFAULT_CLIENT_SECRET = 'local-dev-only-not-a-secret';
export const DEFAULT_PORT = 7009;
export const DEFAULT_PORTAL_URL = 'http://localhost:7007';

export interface DevOidcProviderOptions {
  /** 0 picks a free port. Default 7009. */
  port?: number;
  /** Address to listen on. Default 127.0.0.1: the demo password is public. */
  host?: string;
  /** The portal's base URL; its OIDC callback is the client's one redirect URI. */
  portalUrl?: string;
  clientId?: string;
  clientSecret?: string;
  users?: readonly DemoUser[];
  password?: string;
  /** Where the provider reports server errors. Default stderr. */
  log?: (message: string) => void;
}

export interface DevOidcProvider {
  /** `http://localhost:<port>`; discovery is at `/.well-known/openid-configuration`. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  users: readonly DemoUser[];
  stop(): Promise<void>;
}

// RS256 is what Backstage's OIDC module expects by default.
function signingKey(): JWK {
  const { privateKey } = crypto.generateKeyPairSync('rsa', {
    modulusLength: 2048,
  });
  return {
    ...(privateKey.export({ format: 'jwk' }) as JWK),
    kid: crypto.randomUUID(),
    alg: 'RS256',
    use: 'sig',
  };
}

/**
 * Starts a real OpenID Connect provider (oidc-provider) for local use: the
 * demo users, one confidential client for the portal, a login form, keys
 * generated at start and state kept in memory.
 */
export async function startDevOidcProvider(
  options: DevOidcProviderOptions = {},
): Promise<DevOidcProvider> {
  const users = options.users ?? DEMO_USERS;
  const password = options.password ?? DEMO_PASSWORD;
  const clientId = options.clientId ?? DEFAULT_CLIENT_ID;
  const clientSecret = options.clientSecret ?? DEFAULT_CLIENT_SECRET;
  const portalUrl = (options.portalUrl ?? DEFAULT_PORTAL_URL).replace(
    /\/+$/,
    '',
  );
  const redirectUri = `${portalUrl}/api/auth/oidc/handler/frame`;
  const log =
    options.log ?? ((message: string) => process.stderr.write(`${message}\n`));

  // oidc-provider is ESM only; a dynamic import loads it from CommonJS.
  const { default: Provider } = await import('oidc-provider');

  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(
      options.port ?? DEFAULT_PORT,
      options.host ?? '127.0.0.1',
      () => {
        server.off('error', reject);
        resolve();
      },
    );
  });
  // The issuer names the port, so the provider is made after listening; the
  // request handler is attached below before any request can be read.
  const { port } = server.address() as AddressInfo;
  const issuer = `http://localhost:${port}`;

  const configuration: Configuration = {
    adapter: createMemoryAdapterFactory(),
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        client_name: 'the GPU Fleet portal',
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    // The authorization code flow only: what Backstage's OIDC module uses.
    responseTypes: ['code'],
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'preferred_username'],
      groups: ['groups'],
    },
    async findAccount(_ctx, sub) {
      const user = users.find(u => u.username === sub);
      if (!user) return undefined;
      return {
        accountId: user.username,
        async claims() {
          return {
            sub: user.username,
            email: user.email,
            email_verified: true,
            name: user.displayName,
            preferred_username: user.username,
            groups: user.groups,
          };
        },
      };
    },
    // The portal keeps its session by refreshing; our one client needs no
    // offline_access scope (and its consent prompt) for that.
    async issueRefreshToken(_ctx, client) {
      return client.grantTypeAllowed('refresh_token');
    },
    interactions: {
      url: (_ctx, interaction) => `/interaction/${interaction.uid}`,
    },
    features: { devInteractions: { enabled: false } },
    jwks: { keys: [signingKey()] },
    cookies: { keys: [crypto.randomBytes(32).toString('base64url')] },
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 60,
      IdToken: 3600,
      Interaction: 3600,
      Grant: 14 * 24 * 3600,
      RefreshToken: 14 * 24 * 3600,
      Session: 14 * 24 * 3600,
    },
    async renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = renderMessagePage(
        'Sign-in failed',
        `${out.error}: ${out.error_description ?? ''}`,
      );
    },
  };
  const provider = new Provider(issuer, configuration);
  provider.on('server_error', (_ctx, error: Error) =>
    log(`gpu-fleet-dev-oidc: ${error.stack ?? error.message}`),
  );

  const interaction = createInteractionHandler(provider, {
    clientId,
    clientName: 'the GPU Fleet portal',
    users,
    password,
  });
  const callback = provider.callback();
  server.on('request', (req, res) => {
    interaction(req, res)
      .then(handled => {
        if (!handled) callback(req, res);
      })
      .catch(error => {
        log(`gpu-fleet-dev-oidc: ${(error as Error).stack ?? error}`);
        if (!res.headersSent) {
          res.writeHead(500, { 'Content-Type': 'text/plain' });
        }
        res.end('internal error');
      });
  });

  return {
    issuer,
    clientId,
    clientSecret,
    redirectUri,
    users,
    stop: () =>
      new Promise(resolve => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
