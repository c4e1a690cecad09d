import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { RecordingDeployments } from '../__testUtils__/recordingDeployments';
import { createRenderDeploymentAction } from './renderDeployment';

describe('gpu-fleet:deployment:render', () => {
  it('renders as the user, logs the files, outputs the manifest with defaults, and commits nothing', async () => {
    const deployments = new RecordingDeployments();
    const action = createRenderDeploymentAction({ deployments });
    const logger = mockServices.logger.mock();
    const ctx = createMockActionContext<any, any>({
      input: {
        manifest: {
          kind: 'Job',
          template: 'mpijob',
          name: 'bert',
          workspace: 'training',
          image: 'mpioperator/mpi-pi:openmpi',
          resources: {
            gpu: { type: 'H100', count: 8 },
            cpu: 32,
            memory: '256Gi',
          },
          mpi: { workers: 2, gpusPerWorker: 8 },
        },
      },
      logger,
    });
    ctx.getInitiatorCredentials = async () =>
      mockCredentials.user('user:default/bob');
    await action.handler(ctx);
    expect(deployments.calls).toEqual([
      {
        call: 'preview',
        principal: { type: 'user', userEntityRef: 'user:default/bob' },
      },
    ]);
    expect(ctx.output).toHaveBeenCalledWith(
      'manifest',
      expect.objectContaining({
        resources: {
          gpu: { type: 'H100', count: 8 },
          cpu: '32',
          memory: '256Gi',
        },
        mpi: expect.objectContaining({
          rdma: { enabled: false, shmSize: '64Gi' },
        }),
      }),
    );
    expect(ctx.output).toHaveBeenCalledWith('path', 'eks-p5/training/bert');
    expect((logger.info as jest.Mock).mock.calls[0][0]).toBe(
      'training/bert renders 1 files into eks-p5/training/bert on eks-p5',
    );
  });
});
