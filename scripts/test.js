// `npm test`: installs what is missing, then type-check, lint, the app build,
// and every package's tests (store tests on SQLite and a real PostgreSQL 15
// started here; the browser test in Debian's Chromium).
const fs = require('node:fs');
const path = require('node:path');
const {
  prepareEnvironment,
  ensureDependencies,
  yarn,
  yarnOrExit,
  repoRoot,
} = require('./lib/environment');
const { startPostgres } = require('./lib/postgres');

const timings = [];
async function step(name, fn) {
  const started = Date.now();
  console.log(`\n• ${name}`);
  const result = await fn();
  timings.push(`${name}: ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return result;
}

async function main() {
  const env = { ...prepareEnvironment(), CI: 'true' };
  await step('install', () => ensureDependencies(env));
  await step('type-check (tsc)', () => yarnOrExit(['tsc'], env));
  await step('lint', () => yarnOrExit(['lint'], env));
  await step('build the app', () =>
    yarnOrExit(['workspace', 'app', 'build'], env),
  );

  const postgres = await step('start PostgreSQL', () => startPostgres());
  console.log(`  ${postgres.version} at ${postgres.connectionString}`);
  const resultsFile = path.join(repoRoot, '.data', 'test-results.json');
  fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
  fs.rmSync(resultsFile, { force: true });

  let code;
  try {
    code = await step('tests', () =>
      yarn(
        [
          'backstage-cli',
          'repo',
          'test',
          '--json',
          `--outputFile=${resultsFile}`,
        ],
        {
          ...env,
          BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING:
            postgres.connectionString,
        },
      ),
    );
  } finally {
    postgres.stop();
  }

  console.log(`\n${timings.join('\n')}`);
  if (fs.existsSync(resultsFile)) {
    const r = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
    console.log(
      `tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`,
    );
    if (r.numTotalTests === 0) code = code || 1;
  }
  process.exit(code);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
