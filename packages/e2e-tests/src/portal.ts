import { ChildProcess, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Browser, chromium } from 'playwright-core';
import { spawnDevOidcProvider } from '@gpu-fleet/dev-oidc';

// Tests run from source, so the repository root is fixed relative to this file.
// eslint-disable-next-line no-restricted-syntax
export const repoRoot = path.resolve(__dirname, '../../..');
export const screenshotDir = path.join(repoRoot, '.data', 'screenshots');

export interface Portal {
  baseUrl: string;
  /** A static token the backend accepts, for tests that call its REST API. */
  apiToken: string;
  /** The local OpenID Connect provider the portal signs people in through. */
  oidcIssuer: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitForReady(url: string, child: ChildProcess, log: string) {
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`backend exited early:\n${fs.readFileSync(log, 'utf8')}`);
    }
    try {
      const res = await fetch(`${url}/.backstage/health/v1/readiness`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise(r => setTimeout(r, 500));
  }
  throw new Error(
    `backend not ready in 180s:\n${fs.readFileSync(log, 'utf8')}`,
  );
}

/**
 * Starts the real backend on a free port with a fresh SQLite directory,
 * serving the app's production build (built by the test command).
 */
export async function startPortal(): Promise<Portal> {
  const appIndex = path.join(repoRoot, 'packages/app/dist/index.html');
  if (!fs.existsSync(appIndex)) {
    throw new Error(
      'The app has no production build: run `yarn workspace app build` (npm test does).',
    );
  }
  const port = await freePort();
  const baseUrl = `http://localhost:${port}`;
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gpu-fleet-e2e-'));
  const configFile = path.join(workDir, 'app-config.e2e.yaml');
  const apiToken = crypto.randomBytes(24).toString('base64url');
  // The backend reads the provider's metadata when it starts: start it first.
  const oidc = await spawnDevOidcProvider({
    port: 0,
    portalUrl: baseUrl,
  });
  fs.writeFileSync(
    configFile,
    [
      `app: { baseUrl: '${baseUrl}' }`,
      `backend:`,
      `  baseUrl: '${baseUrl}'`,
      `  listen: { port: ${port} }`,
      `  cors: { origin: '${baseUrl}' }`,
      `  auth:`,
      `    externalAccess:`,
      `      - { type: static, options: { token: '${apiToken}', subject: e2e-tests } }`,
      `  database: { client: better-sqlite3, connection: { directory: '${workDir}/sqlite' } }`,
      // Each portal its own kubectl endpoint: test files run side by side.
      `gpuFleet:`,
      `  proxy:`,
      `    tls: { listen: { port: 0 }, certificateDirectory: '${workDir}/proxy-tls' }`,
      // And its own GitOps repository and clone: git locks one working tree.
      `  gitops: { url: '${workDir}/gitops.git', workingDirectory: '${workDir}/gitops-clone' }`,
      `auth:`,
      `  providers:`,
      `    oidc:`,
      `      development:`,
      `        metadataUrl: '${oidc.issuer}/.well-known/openid-configuration'`,
      `        clientId: '${oidc.clientId}'`,
      `        clientSecret: '${oidc.clientSecret}'`,
    ].join('\n'),
  );
  const log = path.join(workDir, 'backend.log');
  const out = fs.openSync(log, 'w');
  const backendDir = path.join(repoRoot, 'packages/backend');
  const child = spawn(
    process.execPath,
    [
      path.join(repoRoot, 'node_modules/@backstage/cli/bin/backstage-cli'),
      'package',
      'start',
      '--config',
      path.join(repoRoot, 'app-config.yaml'),
      '--config',
      configFile,
    ],
    { cwd: backendDir, stdio: ['ignore', out, out], detached: true },
  );
  try {
    await waitForReady(baseUrl, child, log);
  } catch (error) {
    await oidc.stop();
    throw error;
  }

  return {
    baseUrl,
    apiToken,
    oidcIssuer: oidc.issuer,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise(r => child.once('exit', r));
        process.kill(-child.pid!, 'SIGTERM');
        await Promise.race([exited, new Promise(r => setTimeout(r, 10_000))]);
        if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
      }
      await oidc.stop();
      fs.closeSync(out);
      fs.rmSync(workDir, { recursive: true, force: true });
    },
  };
}

/** Debian's Chromium; nothing is downloaded. */
export function openBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
