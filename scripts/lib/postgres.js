// A throwaway PostgreSQL 15 server for store tests: temporary directory, free
// port, trust auth on loopback, stopped and deleted afterwards.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

function findBinary(name) {
  const dirs = [
    ...(process.env.PATH || '').split(path.delimiter),
    ...['18', '17', '16', '15'].map(v => `/usr/lib/postgresql/${v}/bin`),
  ];
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    if (dir && fs.existsSync(candidate)) return candidate;
  }
  throw new Error(
    `${name} not found: install PostgreSQL 15 (Debian: apt-get install postgresql-15)`,
  );
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// PostgreSQL refuses to run as root, so root hands it to the postgres user.
function asServerUser(binary, args) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const [cmd, cmdArgs] = isRoot
    ? ['runuser', ['-u', 'postgres', '--', binary, ...args]]
    : [binary, args];
  return execFileSync(cmd, cmdArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
}

async function startPostgres() {
  const initdb = findBinary('initdb');
  const pgCtl = findBinary('pg_ctl');
  const version = execFileSync(initdb, ['--version'], {
    encoding: 'utf8',
  }).trim();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gpu-fleet-pg-'));
  fs.chmodSync(dir, 0o777);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot) execFileSync('chown', ['postgres', dir]);
  const dataDir = path.join(dir, 'data');
  const port = await freePort();

  asServerUser(initdb, [
    '-D',
    dataDir,
    '-U',
    'postgres',
    '--auth=trust',
    '-E',
    'UTF8',
    '--no-sync',
  ]);
  asServerUser(pgCtl, [
    '-D',
    dataDir,
    '-l',
    path.join(dir, 'server.log'),
    '-w',
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`,
    'start',
  ]);

  return {
    version,
    connectionString: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    stop() {
      try {
        asServerUser(pgCtl, ['-D', dataDir, '-m', 'fast', '-w', 'stop']);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

module.exports = { startPostgres };
