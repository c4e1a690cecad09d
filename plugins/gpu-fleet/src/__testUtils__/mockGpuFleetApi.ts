import type { GpuFleetApi } from '../api/GpuFleetApi';

export type MockGpuFleetApi = { [K in keyof GpuFleetApi]: jest.Mock };

/** Every method is a jest.fn that fails loudly unless the test gives it an answer. */
export function mockGpuFleetApi(
  answers: Partial<{ [K in keyof GpuFleetApi]: jest.Mock }> = {},
): MockGpuFleetApi {
  const unexpected = (method: string) =>
    jest.fn(async () => {
      throw new Error(`unexpected call to ${method}`);
    });
  return {
    listClusters: unexpected('listClusters'),
    getCluster: unexpected('getCluster'),
    attachCluster: unexpected('attachCluster'),
    updateCluster: unexpected('updateCluster'),
    detachCluster: unexpected('detachCluster'),
    rotateToken: unexpected('rotateToken'),
    revokeToken: unexpected('revokeToken'),
    getPrerequisites: unexpected('getPrerequisites'),
    getAudit: unexpected('getAudit'),
    getClusterInventory: unexpected('getClusterInventory'),
    getCapacity: unexpected('getCapacity'),
    getCapacityHistory: unexpected('getCapacityHistory'),
    listWorkspaces: unexpected('listWorkspaces'),
    getWorkspace: unexpected('getWorkspace'),
    createWorkspace: unexpected('createWorkspace'),
    updateWorkspace: unexpected('updateWorkspace'),
    deleteWorkspace: unexpected('deleteWorkspace'),
    getWorkspaceNamespace: unexpected('getWorkspaceNamespace'),
    getPlacementOptions: unexpected('getPlacementOptions'),
    listDeployments: unexpected('listDeployments'),
    createDeployment: unexpected('createDeployment'),
    previewDeployment: unexpected('previewDeployment'),
    getDeployment: unexpected('getDeployment'),
    updateDeployment: unexpected('updateDeployment'),
    getDeploymentRequirements: unexpected('getDeploymentRequirements'),
    retargetDeployment: unexpected('retargetDeployment'),
    deleteDeployment: unexpected('deleteDeployment'),
    listDeploymentRevisions: unexpected('listDeploymentRevisions'),
    getRevisionDiff: unexpected('getRevisionDiff'),
    getPodLog: unexpected('getPodLog'),
    ...answers,
  };
}

/** The error GpuFleetClient throws for a non-2xx answer; `extra` goes beside `error` in the body. */
export async function apiError(
  status: number,
  name: string,
  message: string,
  extra: Record<string, unknown> = {},
): Promise<Error> {
  const { ResponseError } = await import('@backstage/errors');
  return ResponseError.fromResponse({
    ok: false,
    status,
    statusText: name,
    url: 'http://example.com/api/gpu-fleet',
    headers: new Map([['content-type', 'application/json']]) as any,
    text: async () =>
      JSON.stringify({
        error: { name, message },
        request: { method: 'GET', url: '/' },
        response: { statusCode: status },
        ...extra,
      }),
  } as any);
}
