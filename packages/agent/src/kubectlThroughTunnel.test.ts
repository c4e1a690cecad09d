import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startSimulator, writeKubeconfig } from '@gpu-fleet/k8s-simulator';
import { startControlPlaneWithAgent } from './__testUtils__/startControlPlaneWithAgent';

jest.setTimeout(120_000);

const scenario = path.resolve(
  require.resolve('@gpu-fleet/k8s-simulator/package.json'),
  '../scenarios/eks-p5.yaml',
);

describe('kubectl through the tunnel', () => {
  it('sees and changes a simulated cluster exactly as it would directly', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gpu-fleet-kubectl-'));
    const kubectl = (kubeconfig: string, ...args: string[]) =>
      promisify(execFile)(
        '/usr/bin/kubectl',
        [
          '--kubeconfig',
          kubeconfig,
          '--cache-dir',
          path.join(dir, 'cache'),
          ...args,
        ],
        {
          // kubectl keeps its discovery cache under HOME otherwise.
          env: { ...process.env, HOME: dir },
        },
      ).then(r => r.stdout);

    const sim = await startSimulator({ scenario });
    const direct = path.join(dir, 'direct.yaml');
    writeKubeconfig(sim.url, direct, 'eks-p5');

    const { base, user, agent } = await startControlPlaneWithAgent({
      clusterName: 'eks-p5',
      provider: 'eks',
      kubeconfig: direct,
    });

    const tunnel = path.join(dir, 'tunnel.yaml');
    fs.writeFileSync(
      tunnel,
      await fetch(`${base}/clusters/eks-p5/kubeconfig`, { headers: user }).then(
        r => r.text(),
      ),
    );

    try {
      // get nodes: the same answer through the tunnel as straight from the cluster.
      const nodes = await kubectl(tunnel, 'get', 'nodes', '-o', 'name');
      expect(nodes.trim().split('\n').length).toBeGreaterThan(0);
      expect(nodes).toBe(await kubectl(direct, 'get', 'nodes', '-o', 'name'));

      // apply -f, server-side: the object lands in the cluster.
      const manifest = path.join(dir, 'cm.yaml');
      fs.writeFileSync(
        manifest,
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: gpu-fleet-demo\n  namespace: default\ndata:\n  model: llama-3-8b\n',
      );
      expect(
        await kubectl(tunnel, 'apply', '--server-side', '-f', manifest),
      ).toContain('configmap/gpu-fleet-demo serverside-applied');
      expect(
        await kubectl(
          direct,
          'get',
          'configmap',
          'gpu-fleet-demo',
          '-o',
          'jsonpath={.data.model}',
        ),
      ).toBe('llama-3-8b');

      // logs of a pod, read through the tunnel.
      sim.store.createObject({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'trainer-0', namespace: 'default' },
        spec: { containers: [{ name: 'main', image: 'busybox' }] },
      });
      sim.appendPodLog('default', 'trainer-0', 'main', 'epoch 1 loss 1.92');
      expect(
        await kubectl(tunnel, 'logs', 'trainer-0', '-c', 'main'),
      ).toContain('epoch 1 loss 1.92');

      // a bounded watch streams through and ends when asked to.
      const watch = kubectl(
        tunnel,
        'get',
        'configmaps',
        '-w',
        '--request-timeout=3s',
        '-o',
        'name',
      );
      await new Promise(r => setTimeout(r, 1000));
      sim.store.createObject({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'late-arrival', namespace: 'default' },
      });
      expect(await watch.catch(e => e.stdout)).toContain(
        'configmap/late-arrival',
      );
    } finally {
      agent.stop();
      await sim.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
