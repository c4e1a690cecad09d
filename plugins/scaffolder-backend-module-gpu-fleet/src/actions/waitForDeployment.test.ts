import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { DeploymentView } from '@gpu-fleet/plugin-gpu-fleet-common';
import { RecordingDeployments } from '../__testUtils__/recordingDeployments';
import { createWaitForDeploymentAction } from './waitForDeployment';

const pendingPod = {
  name: 'llama-chat-7d9f-x2x4k',
  phase: 'Pending',
  ready: false,
  restarts: 0,
  reason: 'Unschedulable',
  message: '0/4 nodes are available: 4 Insufficient nvidia.com/gpu.',
};

function status(
  phase: string,
  summary: string,
  pods: unknown[] = [],
): Partial<DeploymentView> {
  return {
    status: {
      namespace: 'ml-inference',
      name: 'llama-chat',
      phase: phase as any,
      summary,
      observedAt: new Date().toISOString(),
      conditions: [],
      pods: pods as any,
      events: [],
      objects: [],
    },
  };
}

async function setup(script: Array<Partial<DeploymentView>>) {
  const deployments = new RecordingDeployments();
  await deployments.create(
    {
      kind: 'Service',
      template: 'vllm',
      name: 'llama-chat',
      workspace: 'ml-inference',
      image: 'vllm/vllm-openai:v0.8.5',
      model: 'meta-llama/Llama-3.1-8B-Instruct',
      resources: { gpu: { type: 'H100', count: 1 }, cpu: 8, memory: '64Gi' },
    },
    { credentials: mockCredentials.user('user:default/bob') },
  );
  deployments.script.set('ml-inference/llama-chat', script);
  const action = createWaitForDeploymentAction({
    deployments,
    pollIntervalMs: 1,
  });
  const logger = mockServices.logger.mock();
  const ctx = createMockActionContext<any, any>({
    input: { workspace: 'ml-inference', name: 'llama-chat', revision: 1 },
    logger,
  });
  ctx.getInitiatorCredentials = async () =>
    mockCredentials.user('user:default/bob');
  const lines = () => [
    ...(logger.info as jest.Mock).mock.calls.map(c => `info ${c[0]}`),
    ...(logger.warn as jest.Mock).mock.calls.map(c => `warn ${c[0]}`),
  ];
  return { action, ctx, lines, deployments };
}

describe('gpu-fleet:deployment:wait', () => {
  it('streams each change into the step log, says why pods are Pending, and ends when it runs', async () => {
    const pending = status('Pending', '0/1 replicas ready', [pendingPod]);
    const { action, ctx, lines } = await setup([
      {
        delivery: {
          state: 'delivering',
          error: null,
          attempts: 1,
          updatedAt: '',
        },
        appliedRevision: null,
      },
      pending,
      pending,
      status('Progressing', '0/1 replicas ready'),
      status('Running', '1/1 replicas ready'),
    ]);
    await action.handler(ctx);
    expect(lines()).toEqual([
      'info ml-inference/llama-chat: delivery delivering of revision 1; no status reported yet',
      'info ml-inference/llama-chat: applied revision 1 (commit c0ffee1); Pending: 0/1 replicas ready',
      'info ml-inference/llama-chat: applied revision 1 (commit c0ffee1); Progressing: 0/1 replicas ready',
      'info ml-inference/llama-chat: applied revision 1 (commit c0ffee1); Running: 1/1 replicas ready',
      `warn Pending ${pendingPod.name}: ${pendingPod.message}`,
    ]);
    expect(ctx.output).toHaveBeenCalledWith('phase', 'Running');
    expect(ctx.output).toHaveBeenCalledWith('appliedCommit', 'c0ffee1');
  });

  it('fails with what the cluster said when the deployment fails', async () => {
    const { action, ctx } = await setup([
      status('Failed', 'launcher failed: BackoffLimitExceeded'),
    ]);
    await expect(action.handler(ctx)).rejects.toThrow(
      'Deployment ml-inference/llama-chat failed: launcher failed: BackoffLimitExceeded',
    );
  });

  it('gives up after its timeout with the last state seen', async () => {
    const pending = status('Pending', '0/1 replicas ready', [pendingPod]);
    const { action, ctx } = await setup(Array(5000).fill(pending));
    ctx.input.timeoutSeconds = 1;
    await expect(action.handler(ctx)).rejects.toThrow(
      /did not run within 1 s; last seen: applied revision 1 .*Pending: 0\/1 replicas ready/,
    );
  });

  it('does not wait in a dry run', async () => {
    const { action, ctx, deployments } = await setup([]);
    ctx.isDryRun = true;
    await action.handler(ctx);
    expect(deployments.calls.map(c => c.call)).toEqual(['create']);
    expect(ctx.output).toHaveBeenCalledWith('phase', 'dry-run');
  });
});
