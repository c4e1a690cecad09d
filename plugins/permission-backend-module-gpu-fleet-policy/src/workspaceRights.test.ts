import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TestDatabases } from '@backstage/backend-test-utils';
import { startPolicyFleet } from './__testUtils__/startPolicyFleet';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

describe('a cluster whose agent was installed without workspace rights', () => {
  it('refuses a workspace with the message the chart documents, and leaves nothing behind', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gpu-fleet-rights-'));
    const fleet = await startPolicyFleet(
      await databases.init('SQLITE_3'),
      dir,
      {
        agentRights: 'read-only',
      },
    );
    try {
      const res = await fleet.call('POST', '/workspaces', fleet.as.fleetAdmin, {
        name: 'ml-inference',
        cluster: 'eks-p5',
      });
      expect(res.status).toBe(409);
      expect((await res.json()).error.message).toContain(
        "workspaces need the agent's workspace rights",
      );
      const list = await fleet.call('GET', '/workspaces', fleet.as.fleetAdmin);
      expect((await list.json()).items).toEqual([]);
      const namespace = await fleet.call(
        'GET',
        '/clusters/eks-p5/proxy/api/v1/namespaces/ml-inference',
        fleet.as.fleetAdmin,
      );
      expect(namespace.status).toBe(404);
    } finally {
      await fleet.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
