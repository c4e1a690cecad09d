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

async function main() {
  const env = prepareEnvironment();
  await ensureDependencies(env);
  console.log('• Building the app…');
  await yarnOrExit(['workspace', 'app', 'build'], env);

  console.log('• Starting the backend…');
  const backend = spawn('corepack', ['yarn', 'workspace', 'backend', 'start'], {
    cwd: repoRoot,
    env,
    stdio: 'inherit',
  });
  const stop = () => backend.kill('SIGINT');
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  backend.on('exit', code => process.exit(code ?? 0));

  for (let i = 0; i < 300; i++) {
    if (await isReady()) {
      console.log(
        `\n✔ GPU Fleet is up: ${baseUrl}  (sign in as Guest; data in ${path.join(
          repoRoot,
          '.data',
        )})\n  Stop it with Ctrl-C.\n`,
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
