import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { ClusterRegistry } from './ClusterRegistry';
import { ClusterStore } from './ClusterStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const install = {
  controlPlaneUrl: 'wss://portal.example.com/api/gpu-fleet/agent/connect',
  chart: 'gpu-fleet/gpu-fleet-agent',
};

async function createRegistry(
  databaseId: TestDatabaseId,
  options: { lifetimeMs?: number; now?: () => Date } = {},
) {
  const knex = await databases.init(databaseId);
  await knex.migrate.latest({
    directory: resolvePackagePath(
      '@gpu-fleet/plugin-gpu-fleet-backend',
      'migrations',
    ),
  });
  return new ClusterRegistry(
    new ClusterStore(knex),
    install,
    options.lifetimeMs,
    options.now,
  );
}

describe.each(databases.eachSupportedId())(
  'ClusterRegistry on %s',
  databaseId => {
    it('accepts only the live token: rotation invalidates the old one', async () => {
      const registry = await createRegistry(databaseId);
      const invalidated: string[] = [];
      registry.onTokenInvalidated(name => invalidated.push(name));
      const { token } = await registry.attach(
        { name: 'eks-p5', provider: 'eks' },
        'user:default/alice',
      );

      expect(await registry.verifyToken('eks-p5', token)).toBe(true);
      expect(await registry.verifyToken('eks-p5', `${token}x`)).toBe(false);
      expect(await registry.verifyToken('other', token)).toBe(false);

      const rotated = await registry.rotateToken(
        'eks-p5',
        'user:default/alice',
      );
      expect(await registry.verifyToken('eks-p5', token)).toBe(false);
      expect(await registry.verifyToken('eks-p5', rotated.token)).toBe(true);
      expect(invalidated).toEqual(['eks-p5']);

      await registry.revokeToken('eks-p5', 'user:default/alice');
      expect(await registry.verifyToken('eks-p5', rotated.token)).toBe(false);

      // Rotating after a revoke issues a working token again.
      const revived = await registry.rotateToken(
        'eks-p5',
        'user:default/alice',
      );
      expect(await registry.verifyToken('eks-p5', revived.token)).toBe(true);
      expect((await registry.get('eks-p5')).status).toBe('pending');

      await registry.detach('eks-p5', 'user:default/alice');
      expect(await registry.verifyToken('eks-p5', revived.token)).toBe(false);
      expect(invalidated).toEqual(['eks-p5', 'eks-p5', 'eks-p5', 'eks-p5']);
    });

    it('stops accepting a token once its configured lifetime has passed', async () => {
      let now = new Date('2026-11-01T00:00:00Z');
      const registry = await createRegistry(databaseId, {
        lifetimeMs: 24 * 3600_000,
        now: () => now,
      });
      const { token } = await registry.attach(
        { name: 'gke-a3', provider: 'gke' },
        'user:default/alice',
      );
      now = new Date('2026-11-01T23:00:00Z');
      expect(await registry.verifyToken('gke-a3', token)).toBe(true);
      now = new Date('2026-11-02T00:00:01Z');
      expect(await registry.verifyToken('gke-a3', token)).toBe(false);
    });

    it('keeps the latest result per prerequisite check', async () => {
      const registry = await createRegistry(databaseId);
      await registry.attach(
        { name: 'oke-h100', provider: 'oke' },
        'user:default/alice',
      );
      await registry.reportPrerequisites('oke-h100', {
        checks: [
          {
            id: 'kubernetes-version',
            status: 'fail',
            message: 'v1.27.2 is older than 1.28',
          },
          {
            id: 'storage-classes',
            status: 'pass',
            message: 'RWO: oci-bv; RWX: fss',
          },
        ],
      });
      await registry.reportPrerequisites('oke-h100', {
        checks: [
          { id: 'kubernetes-version', status: 'pass', message: 'v1.30.1' },
        ],
      });
      const checks = await registry.prerequisites('oke-h100');
      const byId = Object.fromEntries(checks.map(c => [c.id, c]));
      expect(byId['kubernetes-version']).toMatchObject({
        status: 'pass',
        message: 'v1.30.1',
      });
      expect(byId['storage-classes']).toMatchObject({ status: 'pass' });
      expect(byId['storage-classes'].checkedAt).toEqual(expect.any(String));
      expect(byId.ingress).toMatchObject({
        status: 'unknown',
        checkedAt: null,
      });
    });
  },
);
