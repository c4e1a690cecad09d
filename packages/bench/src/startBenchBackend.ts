import crypto from 'node:crypto';
import net from 'node:net';
import { createBackend } from '@backstage/backend-defaults';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import gpuFleetPlugin from '@gpu-fleet/plugin-gpu-fleet-backend';

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise(resolve => server.close(resolve));
  return port;
}

/** A portal user's Backstage token, as the guest sign-in hands it to the app. */
async function signInAsGuest(baseUrl: string): Promise<string> {
  const response = await fetch(
    `${baseUrl}/api/auth/guest/refresh?env=development`,
    { headers: { 'x-requested-with': 'XMLHttpRequest' } },
  );
  if (!response.ok) {
    throw new Error(
      `guest sign-in answered ${response.status}: ${await response.text()}`,
    );
  }
  const session = await response.json();
  return session.backstageIdentity.token as string;
}

/** Who the benchmark's kubectl is: a deployer in the bench workspaces, not a fleet admin. */
export const BENCH_USER = 'user:default/bench';

/**
 * The production backend services (auth, HTTP router with its compression,
 * SQLite in memory) with gpu-fleet-backend and, as in the portal, the auth
 * backend with guest sign-in and the permission framework on with GPU
 * Fleet's default policy. `userToken` is what a person's kubectl sends:
 * each proxied request verifies it and asks the permission backend, over
 * HTTP, as it would in the portal; the user is no fleet admin, so every
 * request is decided on its namespace's workspace. `apiToken` is a static
 * external access token for the set-up calls (a service, allowed).
 * `gpuFleet` adds to gpuFleet's config, e.g. the GitOps repository.
 */
export async function startBenchBackend(
  options: { gpuFleet?: Record<string, unknown> } = {},
) {
  // backend.listen cannot take port 0 and still tell discovery its address.
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const apiToken = crypto.randomBytes(24).toString('base64url');
  const config = new ConfigReader({
    app: { baseUrl },
    permission: { enabled: true },
    gpuFleet: { admins: [], ...options.gpuFleet },
    auth: {
      environment: 'development',
      providers: {
        guest: {
          userEntityRef: BENCH_USER,
          dangerouslyAllowOutsideDevelopment: true,
        },
      },
    },
    backend: {
      baseUrl,
      listen: { host: '127.0.0.1', port },
      database: { client: 'better-sqlite3', connection: ':memory:' },
      logger: { level: 'warn' },
      auth: {
        externalAccess: [
          {
            type: 'static',
            options: { token: apiToken, subject: 'gpu-fleet-bench' },
          },
        ],
      },
    },
  });
  const backend = createBackend();
  backend.add(
    createServiceFactory({
      service: coreServices.rootConfig,
      deps: {},
      factory: () => config,
    }),
  );
  backend.add(gpuFleetPlugin);
  backend.add(import('@backstage/plugin-auth-backend'));
  backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
  backend.add(import('@backstage/plugin-permission-backend'));
  backend.add(
    import('@gpu-fleet/plugin-permission-backend-module-gpu-fleet-policy'),
  );
  await backend.start();
  const userToken = await signInAsGuest(baseUrl);
  return { backend, baseUrl, apiToken, userToken };
}
