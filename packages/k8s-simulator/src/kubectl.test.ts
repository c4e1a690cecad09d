import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeKubeconfig } from './kubeconfig';
import { RunningSimulator, startSimulator } from './startSimulator';

const KUBECTL = '/usr/bin/kubectl';

interface KubectlRun {
  child: ChildProcess;
  output(): string;
  waitForOutput(text: string | RegExp, timeoutMs?: number): Promise<void>;
  exited: Promise<number | null>;
}

// Each test spawns several kubectl processes; give them more than Jest's default 5s.
jest.setTimeout(20_000);

describe('kubectl against the simulator', () => {
  let sim: RunningSimulator;
  let dir: string;
  const children: ChildProcess[] = [];

  beforeAll(() => {
    if (!existsSync(KUBECTL)) {
      throw new Error(
        `kubectl is required at ${KUBECTL} for these tests (a real client checks the simulator's API); install it there`,
      );
    }
  });

  beforeEach(async () => {
    sim = await startSimulator({
      port: 0,
      scenario: resolve(__dirname, '..', 'scenarios', 'eks-p5.yaml'),
      kubeletStartDelayMs: 20,
    });
    dir = mkdtempSync(join(tmpdir(), 'k8s-simulator-kubectl-'));
    writeKubeconfig(sim.url, join(dir, 'kubeconfig'), 'eks-p5');
  });

  afterEach(async () => {
    for (const child of children.splice(0)) {
      if (child.exitCode === null && child.signalCode === null)
        child.kill('SIGKILL');
    }
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function spawnKubectl(args: string[]): KubectlRun {
    // A private HOME and cache keep kubectl's discovery cache out of the user's ~/.kube.
    const child = spawn(KUBECTL, ['--cache-dir', join(dir, 'cache'), ...args], {
      env: {
        PATH: process.env.PATH,
        HOME: dir,
        KUBECONFIG: join(dir, 'kubeconfig'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let out = '';
    const waiters: Array<() => void> = [];
    const collect = (chunk: Buffer) => {
      out += chunk.toString();
      waiters.splice(0).forEach(w => w());
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    const exited = new Promise<number | null>(done =>
      child.on('close', code => done(code)),
    );
    return {
      child,
      output: () => out,
      exited,
      waitForOutput(text, timeoutMs = 8_000) {
        return new Promise((ok, fail) => {
          const timer = setTimeout(
            () =>
              fail(
                new Error(
                  `kubectl ${args.join(
                    ' ',
                  )} did not print ${text}; got:\n${out}`,
                ),
              ),
            timeoutMs,
          );
          const check = () => {
            if (
              typeof text === 'string' ? out.includes(text) : text.test(out)
            ) {
              clearTimeout(timer);
              ok();
            } else {
              waiters.push(check);
            }
          };
          check();
        });
      },
    };
  }

  async function kubectl(
    ...args: string[]
  ): Promise<{ code: number | null; out: string }> {
    const run = spawnKubectl(['--request-timeout=10s', ...args]);
    const code = await run.exited;
    return { code, out: run.output() };
  }

  function manifest(name: string, content: string): string {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  }

  it('gets the scenario nodes and pods', async () => {
    const nodes = await kubectl('get', 'nodes');
    expect(nodes.code).toBe(0);
    expect(nodes.out).toMatch(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION/);
    for (const name of [
      'ip-10-0-64-21.ec2.internal',
      'ip-10-0-64-22.ec2.internal',
      'ip-10-0-72-33.ec2.internal',
    ]) {
      expect(nodes.out).toMatch(
        new RegExp(
          `${name.replace(
            /\./g,
            '\\.',
          )}\\s+Ready\\s+<none>\\s+\\S+\\s+v1\\.30\\.2-eks-1552ad0`,
        ),
      );
    }
    const spot = await kubectl(
      'get',
      'nodes',
      '-l',
      'eks.amazonaws.com/capacityType=SPOT',
      '-o',
      'name',
    );
    expect(spot.out.trim()).toBe('node/ip-10-0-72-33.ec2.internal');
    const pods = await kubectl('get', 'pods', '-n', 'training', '-o', 'wide');
    expect(pods.out).toMatch(
      /bert-large-0\s+1\/1\s+Running\s+0\s+\S+\s+10\.244\.0\.2\s+ip-10-0-64-21\.ec2\.internal/,
    );
  });

  it('applies manifests client-side (no --validate flag needed) and server-side', async () => {
    const deployment = (image: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: training
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: ${image}
        ports:
        - containerPort: 8080
`;
    const created = await kubectl(
      'apply',
      '-f',
      manifest('deploy.yaml', deployment('nginx:1.27')),
    );
    expect(created).toEqual({ code: 0, out: 'deployment.apps/web created\n' });
    const configured = await kubectl(
      'apply',
      '-f',
      manifest('deploy.yaml', deployment('nginx:1.28')),
    );
    expect(configured.out).toBe('deployment.apps/web configured\n');
    const stored = sim.store.getObject(
      'apps/v1',
      'Deployment',
      'web',
      'training',
    ) as any;
    expect(stored.spec.template.spec.containers[0]).toMatchObject({
      image: 'nginx:1.28',
      ports: [{ containerPort: 8080 }],
    });
    expect(
      stored.metadata.annotations[
        'kubectl.kubernetes.io/last-applied-configuration'
      ],
    ).toContain('nginx:1.28');

    const configMap = (value: string) => `apiVersion: v1
kind: ConfigMap
metadata:
  name: fleet
  namespace: training
data:
  maxGpus: "${value}"
`;
    const ssa = await kubectl(
      'apply',
      '--server-side',
      '-f',
      manifest('cm.yaml', configMap('16')),
    );
    expect(ssa).toEqual({
      code: 0,
      out: 'configmap/fleet serverside-applied\n',
    });
    expect(
      (
        await kubectl(
          'patch',
          'configmap',
          'fleet',
          '-n',
          'training',
          '--type',
          'merge',
          '-p',
          '{"data":{"maxGpus":"4"}}',
        )
      ).code,
    ).toBe(0);

    const conflict = await kubectl(
      'apply',
      '--server-side',
      '-f',
      manifest('cm.yaml', configMap('32')),
    );
    expect(conflict.code).toBe(1);
    expect(conflict.out).toContain(
      'Apply failed with 1 conflict: conflict with "kubectl-patch" using v1: .data.maxGpus',
    );
    const forced = await kubectl(
      'apply',
      '--server-side',
      '--force-conflicts',
      '-f',
      manifest('cm.yaml', configMap('32')),
    );
    expect(forced.code).toBe(0);
    expect(
      (sim.store.getObject('v1', 'ConfigMap', 'fleet', 'training') as any).data
        .maxGpus,
    ).toBe('32');
  });

  it('watches pods with get -w', async () => {
    const watch = spawnKubectl([
      'get',
      'pods',
      '-n',
      'training',
      '-w',
      '--output-watch-events',
    ]);
    await watch.waitForOutput('sweep-trial-17');
    sim.store.createObject({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'late-arrival', namespace: 'training' },
      spec: { containers: [{ name: 'main', image: 'busybox' }] },
    });
    await watch.waitForOutput(/ADDED\s+late-arrival\s+0\/1\s+Pending/);
    // The scheduler places it on a system node and that node's kubelet starts it.
    await watch.waitForOutput(
      /MODIFIED\s+late-arrival\s+0\/1\s+ContainerCreating/,
    );
    await watch.waitForOutput(/MODIFIED\s+late-arrival\s+1\/1\s+Running/);
    sim.store.deleteObject('v1', 'Pod', 'late-arrival', 'training');
    await watch.waitForOutput(/DELETED\s+late-arrival/);
    watch.child.kill('SIGTERM');
    await watch.exited;
    expect(watch.output().split('\n')[0]).toMatch(
      /^EVENT\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/,
    );
  });

  it('prints and follows logs', async () => {
    sim.appendPodLog(
      'training',
      'bert-large-0',
      undefined,
      'epoch 1 loss 1.92',
    );
    sim.appendPodLog(
      'training',
      'bert-large-0',
      undefined,
      'epoch 2 loss 1.41',
    );
    const logs = await kubectl(
      'logs',
      '-n',
      'training',
      'bert-large-0',
      '--tail=1',
    );
    expect(logs).toEqual({ code: 0, out: 'epoch 2 loss 1.41\n' });

    const follow = spawnKubectl([
      'logs',
      '-f',
      '-n',
      'training',
      'bert-large-0',
    ]);
    await follow.waitForOutput('epoch 2 loss 1.41\n');
    sim.appendPodLog('training', 'bert-large-0', 'main', 'epoch 3 loss 1.17');
    await follow.waitForOutput('epoch 3 loss 1.17\n');
    // Deleting the pod ends the stream, and kubectl exits by itself.
    sim.store.deleteObject('v1', 'Pod', 'bert-large-0', 'training');
    expect(await follow.exited).toBe(0);
    expect(follow.output()).toBe(
      'epoch 1 loss 1.92\nepoch 2 loss 1.41\nepoch 3 loss 1.17\n',
    );
  });

  it('deletes objects and reports NotFound like a real server', async () => {
    const deleted = await kubectl(
      'delete',
      'pod',
      'sweep-trial-17',
      '-n',
      'training',
    );
    expect(deleted).toEqual({ code: 0, out: 'pod "sweep-trial-17" deleted\n' });
    const missing = await kubectl(
      'get',
      'pod',
      'sweep-trial-17',
      '-n',
      'training',
    );
    expect(missing.code).toBe(1);
    expect(missing.out).toBe(
      'Error from server (NotFound): pods "sweep-trial-17" not found\n',
    );
    const namespace = await kubectl('delete', 'namespace', 'training');
    expect(namespace.code).toBe(0);
    expect((await kubectl('get', 'pods', '-A', '-o', 'name')).out).toBe('');
  });
});
