import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { simulatedCluster } from './__testUtils__/prerequisiteFixtures';
import { runKubectl } from './__testUtils__/runKubectl';
import { startControlPlaneWithAgent } from './__testUtils__/startControlPlaneWithAgent';

jest.setTimeout(120_000);

// Below the simulator's own 3 MiB limit, so the proxy's limit is the one that answers.
const LIMIT = 2.5 * 1024 * 1024;

describe('request bodies larger than one tunnel window', () => {
  it('reach the cluster intact through kubectl and the proxy, up to the configured limit', async () => {
    const cluster = await simulatedCluster('eks-p5');
    const { base, user, agent } = await startControlPlaneWithAgent({
      clusterName: 'eks-p5',
      provider: 'eks',
      kubeconfig: cluster.kubeconfig,
      gpuFleetConfig: { proxy: { maxRequestBodyBytes: LIMIT } },
    });
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'gpu-fleet-bodies-'));
    const tunnel = path.join(home, 'tunnel.yaml');
    fs.writeFileSync(
      tunnel,
      await fetch(`${base}/clusters/eks-p5/kubeconfig`, { headers: user }).then(
        r => r.text(),
      ),
    );
    // About 2 MB of text that differs everywhere, so a lost or repeated chunk shows.
    const weights = randomBytes(1536 * 1024).toString('base64');
    try {
      const applied = await runKubectl(
        ['--kubeconfig', tunnel, 'apply', '--server-side', '-f', '-'],
        {
          home,
          stdin: JSON.stringify({
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: 'tokenizer', namespace: 'default' },
            data: { 'tokenizer.json': weights },
          }),
        },
      );
      expect(applied.stderr).toBe('');
      expect(applied.stdout).toContain(
        'configmap/tokenizer serverside-applied',
      );
      expect(
        cluster.sim.store.getObject('v1', 'ConfigMap', 'tokenizer', 'default')
          .data,
      ).toEqual({ 'tokenizer.json': weights });

      // The same through the proxy with PUT, the whole object replaced.
      const replaced = randomBytes(1536 * 1024).toString('base64');
      const current = cluster.sim.store.getObject(
        'v1',
        'ConfigMap',
        'tokenizer',
        'default',
      );
      const put = await fetch(
        `${base}/clusters/eks-p5/proxy/api/v1/namespaces/default/configmaps/tokenizer`,
        {
          method: 'PUT',
          headers: { ...user, 'Content-Type': 'application/json' },
          body: JSON.stringify({
            ...current,
            data: { 'tokenizer.json': replaced },
          }),
        },
      );
      expect(put.status).toBe(200);
      expect((await put.json()).data['tokenizer.json']).toBe(replaced);
      expect(
        cluster.sim.store.getObject('v1', 'ConfigMap', 'tokenizer', 'default')
          .data,
      ).toEqual({ 'tokenizer.json': replaced });

      // Over the limit: refused with 413 naming it, declared length or not.
      const tooBig = Buffer.alloc(LIMIT + 1, 'x');
      const declared = await fetch(
        `${base}/clusters/eks-p5/proxy/api/v1/namespaces/default/configmaps`,
        {
          method: 'POST',
          headers: { ...user, 'Content-Type': 'application/json' },
          body: tooBig,
        },
      );
      expect(declared.status).toBe(413);
      expect(await declared.json()).toMatchObject({
        kind: 'Status',
        code: 413,
        message: `request body: ${
          LIMIT + 1
        } bytes is over the ${LIMIT}-byte limit (gpuFleet.proxy.maxRequestBodyBytes)`,
      });
      const chunked = await fetch(
        `${base}/clusters/eks-p5/proxy/api/v1/namespaces/default/configmaps`,
        {
          method: 'POST',
          headers: { ...user, 'Content-Type': 'application/json' },
          body: new Blob([tooBig]).stream(),
          duplex: 'half',
        } as RequestInit,
      );
      expect(chunked.status).toBe(413);
      expect((await chunked.json()).message).toBe(
        `request body: more than ${LIMIT} bytes is over the ${LIMIT}-byte limit (gpuFleet.proxy.maxRequestBodyBytes)`,
      );
    } finally {
      agent.stop();
      await cluster.close();
      fs.rmSync(home, { recursive: true, force: true });
    }
  });

  it("answer with the API server's own Status when the server refuses them partway", async () => {
    const cluster = await simulatedCluster('eks-p5');
    const { base, user, agent } = await startControlPlaneWithAgent({
      clusterName: 'eks-p5',
      provider: 'eks',
      kubeconfig: cluster.kubeconfig,
    });
    try {
      // Under the proxy's 16 MiB but over the API server's own 3 MiB.
      const body = JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'too-big', namespace: 'default' },
        data: { blob: 'x'.repeat(5 * 1024 * 1024) },
      });
      const refused = await fetch(
        `${base}/clusters/eks-p5/proxy/api/v1/namespaces/default/configmaps`,
        {
          method: 'POST',
          headers: { ...user, 'Content-Type': 'application/json' },
          body,
        },
      );
      expect(await refused.json()).toMatchObject({
        kind: 'Status',
        code: 413,
        reason: 'RequestEntityTooLarge',
        message: 'Request entity too large: limit is 3145728',
      });
      expect(refused.status).toBe(413);
      expect(() =>
        cluster.sim.store.getObject('v1', 'ConfigMap', 'too-big', 'default'),
      ).toThrow();

      // The tunnel carries on as before.
      const list = await fetch(
        `${base}/clusters/eks-p5/proxy/api/v1/namespaces/default/configmaps`,
        { headers: user },
      );
      expect(list.status).toBe(200);
    } finally {
      agent.stop();
      await cluster.close();
    }
  });
});
