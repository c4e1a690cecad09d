import {
  gpuFleetClusterAttachPermission,
  gpuFleetClusterDetachPermission,
  gpuFleetClusterReadPermission,
  gpuFleetClusterTokenManagePermission,
  gpuFleetClusterUpdatePermission,
  gpuFleetPermissions,
} from './permissions';

describe('permissions', () => {
  it('names each cluster action so policies can target it', () => {
    expect(
      [
        gpuFleetClusterReadPermission,
        gpuFleetClusterAttachPermission,
        gpuFleetClusterUpdatePermission,
        gpuFleetClusterDetachPermission,
        gpuFleetClusterTokenManagePermission,
      ].map(p => [p.name, p.attributes.action, p.type]),
    ).toEqual([
      ['gpu-fleet.cluster.read', 'read', 'basic'],
      ['gpu-fleet.cluster.attach', 'create', 'basic'],
      ['gpu-fleet.cluster.update', 'update', 'basic'],
      ['gpu-fleet.cluster.detach', 'delete', 'basic'],
      ['gpu-fleet.cluster.token.manage', 'update', 'basic'],
    ]);
  });

  it('registers every permission once', () => {
    const names = gpuFleetPermissions.map(p => p.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(
      expect.arrayContaining([
        'gpu-fleet.cluster.read',
        'gpu-fleet.cluster.attach',
        'gpu-fleet.cluster.update',
        'gpu-fleet.cluster.detach',
        'gpu-fleet.cluster.token.manage',
      ]),
    );
  });
});
