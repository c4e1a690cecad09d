import { spawn } from 'node:child_process';
import path from 'node:path';
import {
  DEFAULT_CLIENT_ID,
  DEFAULT_CLIENT_SECRET,
} from './startDevOidcProvider';
import { DevOidcReadyMessage, isReadyMessage } from './readyMessage';

// Runs from source in the workspace and from dist when built: bin is a sibling.
// eslint-disable-next-line no-restricted-syntax
const BIN = path.resolve(__dirname, '../bin/gpu-fleet-dev-oidc');
const MAX_OUTPUT = 64 * 1024;

export interface SpawnDevOidcOptions {
  /** 0 (the default here) picks a free port. */
  port?: number;
  portalUrl?: string;
  clientId?: string;
  clientSecret?: string;
  /** Show the provider's output instead of keeping it for `output()`. */
  inheritOutput?: boolean;
}

export interface DevOidcProcess {
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  users: DevOidcReadyMessage['users'];
  /** What the provider printed, when not inherited (the last 64 KiB). */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts the provider as its own process (the `gpu-fleet-dev-oidc` command)
 * and resolves once it answers. oidc-provider is ESM only, so tests, which
 * run as CommonJS, use it through this process; it exits with its parent.
 */
export function spawnDevOidcProvider(
  options: SpawnDevOidcOptions = {},
): Promise<DevOidcProcess> {
  const clientId = options.clientId ?? DEFAULT_CLIENT_ID;
  const clientSecret = options.clientSecret ?? DEFAULT_CLIENT_SECRET;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GPU_FLEET_OIDC_PORT: String(options.port ?? 0),
    GPU_FLEET_OIDC_CLIENT_ID: clientId,
    GPU_FLEET_OIDC_CLIENT_SECRET: clientSecret,
  };
  if (options.portalUrl) env.GPU_FLEET_BASE_URL = options.portalUrl;

  const child = spawn(process.execPath, [BIN], {
    env,
    stdio: options.inheritOutput
      ? ['ignore', 'inherit', 'inherit', 'ipc']
      : ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-MAX_OUTPUT);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);

  const exited = new Promise<void>(resolve => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
  };

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`gpu-fleet-dev-oidc not ready within 60s:\n${output}`));
    }, 60_000);
    child.on('message', message => {
      if (!isReadyMessage(message)) return;
      clearTimeout(timer);
      resolve({
        issuer: message.issuer,
        clientId,
        clientSecret,
        redirectUri: message.redirectUri,
        users: message.users,
        output: () => output,
        stop,
      });
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(
        new Error(
          `gpu-fleet-dev-oidc exited (${
            signal ?? code
          }) before it was ready:\n${output}`,
        ),
      );
    });
    child.once('error', error => {
      clearTimeout(timer);
      reject(error);
    });
  });
}
