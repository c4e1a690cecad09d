import { createBackend } from '@backstage/backend-defaults';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import gpuFleetPlugin from '@gpu-fleet/plugin-gpu-fleet-backend';
import {
  pluginDatabaseFactory,
  TestUserTokens,
} from '@gpu-fleet/plugin-gpu-fleet-node/testUtils';
import net from 'node:net';

type Knex = Awaited<ReturnType<TestDatabases['init']>>;

/** A port that was free a moment ago, for a backend that must come back on it. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise(r => server.close(r));
  return port;
}

/**
 * A control plane on a fixed port over a database that outlives it, so a
 * test can stop it and start another in its place, as a restart would.
 */
export async function startBackendOnPort(
  port: number,
  knex: Knex,
  tokens: TestUserTokens,
) {
  // startTestBackend always takes a random port, so this is a plain backend
  // with Backstage's real auth, accepting the users `tokens` signs.
  const backend = createBackend();
  backend.add(
    mockServices.rootConfig.factory({
      data: {
        backend: {
          baseUrl: `http://localhost:${port}`,
          listen: { host: '127.0.0.1', port },
        },
      },
    }),
  );
  backend.add(mockServices.rootLogger.factory({ level: 'error' }));
  backend.add(pluginDatabaseFactory('gpu-fleet', knex));
  for (const feature of tokens.backendFeatures()) backend.add(feature);
  backend.add(gpuFleetPlugin);
  await backend.start();
  return backend;
}
