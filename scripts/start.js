// `npm start`: installs what is missing, builds the app and starts the portal
// (backend serving the app) with the demo data, then prints its URL.
const http = require('node:http');
const {
  prepareEnvironment,
  ensureDependencies,
  yarnOrExit,
  repoRoot,
} = require('./lib/environment');
const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const path = require('node:path');

const baseUrl = 'http://localhost:7007';

function isReady() {
  return new Promise(resolve => {
    const req = http.get(`${baseUrl}/.backstage/health/v1/readiness`, res => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.setTimeout(2000, () => req.destroy());
  });
}

// The demo fleet attaches clusters through the REST API like any client; it
// gets a static token that lives only as long as this process.
function demoAccess() {
  const token = crypto.randomBytes(24).toString('base64url');
  return {
    token,
    config: JSON.stringify([
      { type: 'static', options: { token, subject: 'gpu-fleet-demo' } },
    ]),
  };
}

// The local OpenID Connect provider (packages/dev-oidc): the backend reads
// its metadata when it starts, so it must answer first.
function startDevOidc(env) {
  console.log('• Starting the local OpenID Connect provider…');
  const child = spawn(
    process.execPath,
    [path.join(repoRoot, 'packages/dev-oidc/bin/gpu-fleet-dev-oidc')],
    {
      cwd: repoRoot,
      env: { ...env, GPU_FLEET_BASE_URL: baseUrl },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  const ready = new Promise((resolve, reject) => {
    child.on('message', message => {
      if (message?.type === 'gpu-fleet-dev-oidc.ready') resolve(message);
    });
    child.once('exit', code =>
      reject(new Error(`the OpenID Connect provider exited (${code})`)),
    );
  });
  return { child, ready };
}

function startDemoFleet(env, token) {
  console.log('• Starting the demo fleet (simulated clusters, real agents)…');
  return spawn(
    process.execPath,
    [path.join(repoRoot, 'packages/demo-fleet/bin/gpu-fleet-demo-fleet')],
    {
      cwd: repoRoot,
      env: {
        ...env,
        GPU_FLEET_BASE_URL: baseUrl,
        GPU_FLEET_DEMO_API_TOKEN: token,
        GPU_FLEET_DATA_DIR: path.join(repoRoot, '.data'),
      },
      stdio: 'inherit',
    },
  );
}

async function main() {
  const env = prepareEnvironment();
  await ensureDependencies(env);
  console.log('• Building the app…');
  await yarnOrExit(['workspace', 'app', 'build'], env);

  const withDemo = env.GPU_FLEET_DEMO !== 'off';
  const access = demoAccess();
  const oidc = startDevOidc(env);
  let idp;
  try {
    idp = await oidc.ready;
  } catch (error) {
    console.error(`✖ ${error.message}`);
    process.exit(1);
  }
  console.log('• Starting the backend…');
  const backend = spawn('corepack', ['yarn', 'workspace', 'backend', 'start'], {
    cwd: repoRoot,
    env: withDemo
      ? { ...env, APP_CONFIG_backend_auth_externalAccess: access.config }
      : env,
    stdio: 'inherit',
  });
  let demo;
  const stop = () => {
    demo?.kill('SIGTERM');
    oidc.child.kill('SIGTERM');
    backend.kill('SIGINT');
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  backend.on('exit', code => {
    demo?.kill('SIGTERM');
    oidc.child.kill('SIGTERM');
    process.exit(code ?? 0);
  });

  for (let i = 0; i < 300; i++) {
    if (await isReady()) {
      if (withDemo) demo = startDemoFleet(env, access.token);
      const dataDir = path.join(repoRoot, '.data');
      console.log(
        [
          '',
          `✔ GPU Fleet is up: ${baseUrl}  (data in ${dataDir})`,
          '  Sign in as Guest, or with Company SSO through the local OpenID',
          `  Connect provider at ${idp.issuer} (password "${idp.password}") as:`,
          ...idp.users.map(
            u => `    ${u.username} (${u.displayName}, ${u.role})`,
          ),
          '  Stop it with Ctrl-C.',
          '',
        ].join('\n'),
      );
      return;
    }
    await new Promise(r => setTimeout(r, 1000));
  }
  console.error('✖ the backend did not become ready within 5 minutes');
  stop();
  process.exit(1);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
