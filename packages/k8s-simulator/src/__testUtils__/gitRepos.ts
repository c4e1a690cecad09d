/** Real Git repositories for the Argo CD controller tests: one in a folder, and the same served over HTTP by git http-backend. */

import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import path from 'node:path';

const GIT_ENV = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
};

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: GIT_ENV }).toString().trim();
}

/** A repository with a `main` branch, changed one commit at a time. */
export class TestRepo {
  constructor(readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true });
    git(dir, 'init', '--quiet', '--initial-branch', 'main');
  }

  /** Writes (or, for null, removes) the files and commits; answers the commit SHA. */
  commit(files: Record<string, string | null>, message = 'change'): string {
    for (const [file, text] of Object.entries(files)) {
      const at = path.join(this.dir, file);
      if (text === null) {
        fs.rmSync(at, { force: true });
      } else {
        fs.mkdirSync(path.dirname(at), { recursive: true });
        fs.writeFileSync(at, text);
      }
    }
    git(this.dir, 'add', '--all');
    git(this.dir, 'commit', '--quiet', '--allow-empty', '-m', message);
    return git(this.dir, 'rev-parse', 'HEAD');
  }
}

/** Serves the repositories under `root` at http://127.0.0.1:<port>/<name> through git http-backend (CGI). */
export async function serveGitOverHttp(
  root: string,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const header = (name: string) => String(req.headers[name] ?? '');
    const child = spawn('git', ['http-backend'], {
      env: {
        ...GIT_ENV,
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: '1',
        REQUEST_METHOD: req.method ?? 'GET',
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.slice(1),
        CONTENT_TYPE: header('content-type'),
        REMOTE_ADDR: '127.0.0.1',
        // Protocol v2, which lets a client fetch a commit by its SHA.
        GIT_PROTOCOL: header('git-protocol'),
        HTTP_CONTENT_ENCODING: header('content-encoding'),
      },
    });
    req.pipe(child.stdin);
    const chunks: Buffer[] = [];
    child.stdout.on('data', chunk => chunks.push(chunk));
    child.on('close', () => {
      const output = Buffer.concat(chunks);
      const end = output.indexOf('\r\n\r\n');
      const head = output.subarray(0, end).toString().split('\r\n');
      let status = 200;
      for (const line of head) {
        const [name, ...rest] = line.split(':');
        const value = rest.join(':').trim();
        if (name.toLowerCase() === 'status') status = parseInt(value, 10);
        else if (name) res.setHeader(name, value);
      }
      res.statusCode = status;
      res.end(output.subarray(end + 4));
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
