import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import YAML from 'yaml';

const packageDir = resolve(__dirname, '..');

describe('cli', () => {
  it('starts a scenario, prints its URL, writes a kubeconfig and stops on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8s-simulator-cli-'));
    const kubeconfig = join(dir, 'kubeconfig');
    const child = spawn(
      process.execPath,
      [
        '-r',
        require.resolve('@backstage/cli/config/nodeTransform.cjs'),
        'src/cli.ts',
        '--scenario',
        'scenarios/oke-bm-h100.yaml',
        '--port',
        '0',
        '--kubeconfig',
        kubeconfig,
      ],
      { cwd: packageDir, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      const url = await new Promise<string>((ok, fail) => {
        let out = '';
        child.stdout.on('data', chunk => {
          out += chunk;
          if (out.includes('\n')) ok(out.split('\n')[0]);
        });
        child.on('exit', code => fail(new Error(`cli exited with ${code}`)));
      });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const version = await (await fetch(`${url}/version`)).json();
      expect(version.gitVersion).toBe('v1.30.1');
      const nodes = await (await fetch(`${url}/api/v1/nodes`)).json();
      expect(nodes.items).toHaveLength(4);

      while (!existsSync(kubeconfig)) {
        await new Promise(r => setTimeout(r, 10));
      }
      const config = YAML.parse(readFileSync(kubeconfig, 'utf8'));
      expect(config['current-context']).toBe('oke-bm-h100');
      expect(config.clusters[0].cluster.server).toBe(url);
    } finally {
      const exited = new Promise(r => child.on('exit', r));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      rmSync(dir, { recursive: true, force: true });
    }
  }, 20_000);

  it("answers like a cluster without the agent's workspace rights with --agent-rights read-only", async () => {
    const start = (rights: string) =>
      spawn(
        process.execPath,
        [
          '-r',
          require.resolve('@backstage/cli/config/nodeTransform.cjs'),
          'src/cli.ts',
          '--port',
          '0',
          '--agent-rights',
          rights,
        ],
        { cwd: packageDir, stdio: ['ignore', 'pipe', 'pipe'] },
      );
    const wrong = start('admin');
    let stderr = '';
    wrong.stderr.on('data', chunk => {
      stderr += chunk;
    });
    expect(await new Promise(r => wrong.on('exit', r))).toBe(1);
    expect(stderr).toContain(
      '--agent-rights must be one of full, read-only, got admin',
    );

    const child = start('read-only');
    try {
      const url = await new Promise<string>((ok, fail) => {
        let out = '';
        child.stdout.on('data', chunk => {
          out += chunk;
          if (out.includes('\n')) ok(out.split('\n')[0]);
        });
        child.on('exit', code => fail(new Error(`cli exited with ${code}`)));
      });
      const refused = await fetch(`${url}/api/v1/namespaces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ metadata: { name: 'ws' } }),
      });
      expect(refused.status).toBe(403);
      expect((await refused.json()).reason).toBe('Forbidden');
    } finally {
      const exited = new Promise(r => child.on('exit', r));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  }, 20_000);

  it('runs pods after --kubelet-start-delay-ms and refuses a --controllers value other than on or off', async () => {
    const start = (...args: string[]) =>
      spawn(
        process.execPath,
        [
          '-r',
          require.resolve('@backstage/cli/config/nodeTransform.cjs'),
          'src/cli.ts',
          '--scenario',
          'scenarios/oke-bm-h100.yaml',
          '--port',
          '0',
          ...args,
        ],
        { cwd: packageDir, stdio: ['ignore', 'pipe', 'pipe'] },
      );
    const wrong = start('--controllers', 'maybe');
    let stderr = '';
    wrong.stderr.on('data', chunk => {
      stderr += chunk;
    });
    expect(await new Promise(r => wrong.on('exit', r))).toBe(1);
    expect(stderr).toContain('--controllers must be on or off, got maybe');

    const child = start('--kubelet-start-delay-ms', '5');
    try {
      const url = await new Promise<string>((ok, fail) => {
        let out = '';
        child.stdout.on('data', chunk => {
          out += chunk;
          if (out.includes('\n')) ok(out.split('\n')[0]);
        });
        child.on('exit', code => fail(new Error(`cli exited with ${code}`)));
      });
      const created = await fetch(`${url}/api/v1/namespaces/hpc/pods`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          metadata: { name: 'probe' },
          spec: {
            tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists' }],
            containers: [{ name: 'main', image: 'busybox' }],
          },
        }),
      });
      expect(created.status).toBe(201);
      let phase: string | undefined;
      while (phase !== 'Running') {
        await new Promise(r => setTimeout(r, 20));
        const pod = await (
          await fetch(`${url}/api/v1/namespaces/hpc/pods/probe`)
        ).json();
        phase = pod.status.phase;
      }
      expect(phase).toBe('Running');
    } finally {
      const exited = new Promise(r => child.on('exit', r));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  }, 20_000);
});
