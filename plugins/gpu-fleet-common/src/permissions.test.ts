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
      ['gpu-fleet.cluster.read', 'read', 'resource'],
      ['gpu-fleet.cluster.attach', 'create', 'basic'],
      ['gpu-fleet.cluster.update', 'update', 'resource'],
      ['gpu-fleet.cluster.detach', 'delete', 'resource'],
      ['gpu-fleet.cluster.token.manage', 'update', 'resource'],
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
