import { mockCredentials } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { RecordingDeployments } from '../__testUtils__/recordingDeployments';
import { createApplyDeploymentAction } from './applyDeployment';

const manifest = {
  kind: 'Service',
  template: 'vllm',
  name: 'llama-chat',
  workspace: 'ml-inference',
  image: 'vllm/vllm-openai:v0.8.5',
  model: 'meta-llama/Llama-3.1-8B-Instruct',
  resources: { gpu: { type: 'H100', count: 1 }, cpu: 8, memory: '64Gi' },
};

function setup() {
  const deployments = new RecordingDeployments();
  const action = createApplyDeploymentAction({ deployments });
  const bob = mockCredentials.user('user:default/bob');
  // What the scaffolder keeps of a step's checkpoints across a recovery.
  const checkpoints = new Map<string, unknown>();
  const context = (
    overrides: { input?: Record<string, unknown>; isDryRun?: boolean } = {},
  ) => {
    const ctx = createMockActionContext<any, any>({
      input: overrides.input ?? { manifest: structuredClone(manifest) },
    });
    // The mock context takes neither from its options.
    ctx.getInitiatorCredentials = async () => bob;
    ctx.isDryRun = overrides.isDryRun;
    ctx.checkpoint = (async ({ key, fn }: any) => {
      if (checkpoints.has(key)) return checkpoints.get(key);
      const value = await fn();
      checkpoints.set(key, value);
      return value;
    }) as any;
    return ctx;
  };
  return { deployments, action, context, checkpoints };
}

describe('gpu-fleet:deployment:apply', () => {
  it('creates the deployment as the user who runs the template and outputs where it is', async () => {
    const { deployments, action, context } = setup();
    const ctx = context();
    await action.handler(ctx);
    expect(deployments.calls).toEqual([
      {
        call: 'get ml-inference/llama-chat',
        principal: { type: 'user', userEntityRef: 'user:default/bob' },
      },
      {
        call: 'create',
        principal: { type: 'user', userEntityRef: 'user:default/bob' },
      },
    ]);
    expect(ctx.output).toHaveBeenCalledWith('change', 'created');
    expect(ctx.output).toHaveBeenCalledWith('revision', 1);
    expect(ctx.output).toHaveBeenCalledWith('appliedCommit', 'c0ffee1');
    expect(ctx.output).toHaveBeenCalledWith(
      'pagePath',
      '/gpu-fleet/workspaces/ml-inference/deployments/llama-chat',
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'entityRef',
      'component:ml-inference/llama-chat',
    );
  });

  it('commits nothing twice: a recovered task returns the checkpoint, a re-run with the same manifest is unchanged', async () => {
    const { deployments, action, context } = setup();
    await action.handler(context());
    // Recovery re-runs the step with its checkpoints kept.
    await action.handler(context());
    expect(deployments.calls.map(c => c.call)).toEqual([
      'get ml-inference/llama-chat',
      'create',
    ]);
    // A new task with the same manifest finds it in place.
    const fresh = setup();
    fresh.deployments.views.set(
      'ml-inference/llama-chat',
      deployments.views.get('ml-inference/llama-chat')!,
    );
    const ctx = fresh.context();
    await fresh.action.handler(ctx);
    expect(fresh.deployments.calls.map(c => c.call)).toEqual([
      'get ml-inference/llama-chat',
    ]);
    expect(ctx.output).toHaveBeenCalledWith('change', 'unchanged');
  });

  it('commits the next revision when the manifest changed', async () => {
    const { deployments, action, context } = setup();
    await action.handler(context());
    const changed = setup();
    changed.deployments.views.set(
      'ml-inference/llama-chat',
      deployments.views.get('ml-inference/llama-chat')!,
    );
    const ctx = changed.context({
      input: {
        manifest: {
          ...manifest,
          resources: { ...manifest.resources, memory: '96Gi' },
        },
      },
    });
    await changed.action.handler(ctx);
    expect(changed.deployments.calls.map(c => c.call)).toEqual([
      'get ml-inference/llama-chat',
      'update',
    ]);
    expect(ctx.output).toHaveBeenCalledWith('change', 'updated');
    expect(ctx.output).toHaveBeenCalledWith('revision', 2);
  });

  it('renders without committing in a dry run', async () => {
    const { deployments, action, context } = setup();
    const ctx = context({ isDryRun: true });
    await action.handler(ctx);
    expect(deployments.calls.map(c => c.call)).toEqual(['preview']);
    expect(ctx.output).toHaveBeenCalledWith('change', 'dry-run');
  });

  it('refuses a malformed manifest naming every field at fault, and sends nothing', async () => {
    const { deployments, action, context } = setup();
    const ctx = context({
      input: {
        manifest: {
          ...manifest,
          name: 'Not_A_Label',
          resources: { ...manifest.resources, gpu: { type: 'H100', count: 0 } },
        },
      },
    });
    await expect(action.handler(ctx)).rejects.toThrow(
      /manifest\.name: .*manifest\.resources\.gpu\.count: /,
    );
    expect(deployments.calls).toEqual([]);
  });

  it('declares the manifest input with the JSON Schema of the common manifest schema', () => {
    const { action } = setup();
    const input = action.schema?.input as any;
    expect(input.properties.manifest.required).toEqual(
      expect.arrayContaining(['kind', 'name', 'workspace', 'template']),
    );
    expect(input.properties.manifest.additionalProperties).toBe(false);
    expect(
      input.properties.manifest.properties.resources.properties.gpu.properties
        .type.enum,
    ).toContain('H100');
  });
});
