/** A local OpenID Connect provider with the demo users, for signing in to the portal. */
import { readOptionsFromEnv } from './env';
import { DevOidcReadyMessage } from './readyMessage';
import { startDevOidcProvider } from './startDevOidcProvider';
import { DEMO_PASSWORD } from './demoUsers';

export {
  startDevOidcProvider,
  DEFAULT_CLIENT_ID,
  DEFAULT_CLIENT_SECRET,
  DEFAULT_PORT,
  DEFAULT_PORTAL_URL,
} from './startDevOidcProvider';
export type {
  DevOidcProvider,
  DevOidcProviderOptions,
} from './startDevOidcProvider';
export { spawnDevOidcProvider } from './spawnDevOidcProvider';
export type {
  DevOidcProcess,
  SpawnDevOidcOptions,
} from './spawnDevOidcProvider';
export { DEMO_USERS, DEMO_PASSWORD } from './demoUsers';
export type { DemoUser } from './demoUsers';
export type { DevOidcReadyMessage } from './readyMessage';

/** The `gpu-fleet-dev-oidc` command. */
export async function main() {
  let options;
  try {
    options = readOptionsFromEnv(process.env);
  } catch (error) {
    process.stderr.write(`gpu-fleet-dev-oidc: ${(error as Error).message}\n`);
    process.exit(2);
  }
  try {
    const provider = await startDevOidcProvider(options);
    const width = Math.max(...provider.users.map(u => u.username.length));
    process.stdout.write(
      [
        `gpu-fleet-dev-oidc: OpenID Connect provider for local use at ${provider.issuer}`,
        `  client ${provider.clientId}, redirect URI ${provider.redirectUri}`,
        `  demo users (password "${DEMO_PASSWORD}"):`,
        ...provider.users.map(
          u => `    ${u.username.padEnd(width)}  ${u.displayName}, ${u.role}`,
        ),
        '',
      ].join('\n'),
    );
    const ready: DevOidcReadyMessage = {
      type: 'gpu-fleet-dev-oidc.ready',
      issuer: provider.issuer,
      clientId: provider.clientId,
      redirectUri: provider.redirectUri,
      password: DEMO_PASSWORD,
      users: provider.users.map(({ username, displayName, role }) => ({
        username,
        displayName,
        role,
      })),
    };
    const stop = () => provider.stop().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    if (process.send) {
      process.send(ready);
      // Started by a parent (npm start, tests): leave with it.
      process.once('disconnect', stop);
    }
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    process.stderr.write(
      code === 'EADDRINUSE'
        ? `gpu-fleet-dev-oidc: port ${options.port} is in use; set GPU_FLEET_OIDC_PORT to another one (and auth.providers.oidc.development.metadataUrl to match)\n`
        : `gpu-fleet-dev-oidc: ${message}\n`,
    );
    process.exit(1);
  }
}
