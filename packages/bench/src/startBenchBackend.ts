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

/**
 * The production backend services (auth, permissions, HTTP router with its
 * compression, SQLite in memory) with only gpu-fleet-backend installed.
 * Callers authenticate with a static external access token, as an API
 * client of a real portal would; with no permission backend configured
 * every request is allowed.
 */
export async function startBenchBackend() {
  // backend.listen cannot take port 0 and still tell discovery its address.
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const apiToken = crypto.randomBytes(24).toString('base64url');
  const config = new ConfigReader({
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
  await backend.start();
  return { backend, baseUrl, apiToken };
}
