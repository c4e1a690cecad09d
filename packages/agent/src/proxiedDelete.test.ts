import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSimulator, writeKubeconfig } from '@gpu-fleet/k8s-simulator';
import { startControlPlaneWithAgent } from './__testUtils__/startControlPlaneWithAgent';

jest.setTimeout(60_000);

describe('a DELETE with a body through the proxy', () => {
  it('reaches the cluster and answers as the cluster did', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gpu-fleet-delete-'));
    const sim = await startSimulator({});
    const kubeconfig = path.join(dir, 'k.yaml');
    writeKubeconfig(sim.url, kubeconfig, 'c1');
    const { base, user, agent } = await startControlPlaneWithAgent({
      clusterName: 'c1',
      provider: 'generic',
      kubeconfig,
    });
    try {
      const cms = `${base}/clusters/c1/proxy/api/v1/namespaces/default/configmaps`;
      const json = { ...user, 'Content-Type': 'application/json' };
      const created = await fetch(cms, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'gone' } }),
      });
      expect(created.status).toBe(201);
      const deleted = await fetch(`${cms}/gone`, {
        method: 'DELETE',
        headers: json,
        body: JSON.stringify({ propagationPolicy: 'Background' }),
      });
      const text = await deleted.text();
      expect({ status: deleted.status, text }).toEqual({
        status: 200,
        text: expect.stringContaining('"gone"'),
      });
    } finally {
      agent.stop();
      await sim.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
