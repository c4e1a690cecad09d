// Prepares a fresh machine with only Node.js and npm: Yarn through corepack,
// native builds against Node's own headers, then the workspace's dependencies.
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const repoRoot = path.resolve(__dirname, '..', '..');

function npmRegistry() {
  try {
    return execFileSync('npm', ['config', 'get', 'registry'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .trim()
      .replace(/\/+$/, '');
  } catch {
    return undefined;
  }
}

/** Environment every child process gets; never names a registry host. */
function prepareEnvironment() {
  const env = { ...process.env };
  // corepack's default host is unreachable on mirrored machines; use npm's.
  if (!env.COREPACK_NPM_REGISTRY) {
    const registry = npmRegistry();
    if (registry) env.COREPACK_NPM_REGISTRY = registry;
  }
  env.COREPACK_ENABLE_DOWNLOAD_PROMPT = '0';
  // node-gyp cannot download headers offline; Debian ships them under /usr.
  if (!env.npm_config_nodedir && fs.existsSync('/usr/include/node/node.h')) {
    env.npm_config_nodedir = '/usr';
  }
  return env;
}

function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: repoRoot,
      stdio: 'inherit',
      ...options,
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(signal ? 1 : code ?? 1));
  });
}

async function runOrExit(command, args, options) {
  const code = await run(command, args, options);
  if (code !== 0) {
    console.error(`\n✖ ${command} ${args.join(' ')} exited with ${code}`);
    process.exit(code);
  }
}

/** Yarn comes from corepack, at the version package.json pins. */
async function ensureDependencies(env) {
  if (
    (await run('corepack', ['yarn', '--version'], { env, stdio: 'ignore' })) !==
    0
  ) {
    console.error(
      '✖ corepack could not provide Yarn; see README troubleshooting.',
    );
    process.exit(1);
  }
  const immutable = env.CI ? ['--immutable'] : [];
  console.log('• Installing dependencies (yarn install)…');
  await runOrExit('corepack', ['yarn', 'install', ...immutable], { env });
}

function yarn(args, env, options) {
  return run('corepack', ['yarn', ...args], { env, ...options });
}

async function yarnOrExit(args, env, options) {
  const code = await yarn(args, env, options);
  if (code !== 0) {
    console.error(`\n✖ yarn ${args.join(' ')} exited with ${code}`);
    process.exit(code);
  }
}

module.exports = {
  repoRoot,
  prepareEnvironment,
  ensureDependencies,
  run,
  yarn,
  yarnOrExit,
};
