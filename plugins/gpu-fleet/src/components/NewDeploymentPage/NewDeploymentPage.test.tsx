import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { aDeployment } from '../../__testUtils__/deploymentFixtures';
import {
  aWorkspace,
  emptyCapacity,
  row,
  viewerAccess,
} from '../../__testUtils__/fixtures';
import { apiError, mockGpuFleetApi } from '../../__testUtils__/mockGpuFleetApi';
import { renderGpuFleetPage } from '../../__testUtils__/renderGpuFleetPage';
import { NewDeploymentPage } from './NewDeploymentPage';

const url = '/gpu-fleet/deployments/new?workspace=ml-training';

function formApi() {
  return mockGpuFleetApi({
    listWorkspaces: jest.fn(async () => [
      aWorkspace(),
      aWorkspace({
        name: 'inference',
        displayName: 'Inference',
        cluster: 'coreweave-h100',
        namespace: 'inference',
        allowPrivileged: false,
        defaults: { ...aWorkspace().defaults, capacityType: null },
      }),
      aWorkspace({ name: 'read-only', access: viewerAccess }),
    ]),
    getCapacity: jest.fn(async () => ({
      ...emptyCapacity,
      groupBy: ['gpuType' as const],
      rows: [row({ gpuType: 'H200' }, 16, 12), row({ gpuType: 'H100' }, 16, 4)],
    })),
  });
}

const field = (name: string) => screen.getByRole('textbox', { name });
const select = (name: string) => screen.getByRole('combobox', { name });

/** Replaces the text of the field named `name`, pasted at once as a person might. */
async function fill(
  user: ReturnType<typeof userEvent.setup>,
  name: string,
  text: string,
) {
  await user.clear(field(name));
  await user.paste(text);
}

describe('NewDeploymentPage', () => {
  it('creates a vLLM service with the manifest the form describes, then opens its page', async () => {
    const api = formApi();
    api.createDeployment.mockResolvedValue(aDeployment());
    await renderGpuFleetPage(<NewDeploymentPage />, { api, url });
    const user = userEvent.setup();

    // The GPU type with the most free on the workspace's cluster.
    await waitFor(() => expect(select('GPU type')).toHaveValue('H100'));
    expect(api.getCapacity).toHaveBeenCalledWith(['gpuType'], {
      cluster: 'eks-p5',
    });
    expect(
      within(select('GPU type'))
        .getAllByRole('option')
        .map(o => o.textContent),
    ).toEqual([
      'Choose a GPU type',
      'H200 (4 of 16 free)',
      'H100 (12 of 16 free)',
    ]);
    expect(select('Workspace')).toHaveValue('ml-training');
    // Only workspaces the caller may deploy into.
    expect(
      within(select('Workspace'))
        .getAllByRole('option')
        .map(o => o.getAttribute('value')),
    ).toEqual(['', 'ml-training', 'inference']);
    expect(
      screen.getByText('Runs in namespace ml-training on cluster eks-p5.'),
    ).toBeInTheDocument();
    expect(field('Image')).toHaveValue('vllm/vllm-openai:v0.6.4');

    await fill(user, 'Name', 'llama-3-8b-chat');
    await fill(user, 'Model', 'meta-llama/Llama-3.1-8B-Instruct');
    await fill(user, 'GPU count', '2');
    await fill(user, 'Replicas (max)', '4');
    await user.selectOptions(select('Capacity type'), 'spot-with-fallback');
    await user.selectOptions(select('Storage'), 'rwx');
    await fill(user, 'Storage class', 'lambda-shared');
    await fill(user, 'Size', '500Gi');
    await user.click(screen.getByRole('button', { name: 'Create deployment' }));

    expect(api.createDeployment).toHaveBeenCalledWith({
      kind: 'Service',
      name: 'llama-3-8b-chat',
      workspace: 'ml-training',
      template: 'vllm',
      image: 'vllm/vllm-openai:v0.6.4',
      model: 'meta-llama/Llama-3.1-8B-Instruct',
      resources: { gpu: { type: 'H100', count: 2 }, cpu: '8', memory: '64Gi' },
      replicas: { min: 1, max: 4 },
      capacityType: 'spot-with-fallback',
      storage: {
        kind: 'rwx',
        storageClass: 'lambda-shared',
        size: '500Gi',
        mountPath: '/models',
      },
    });
    await waitFor(() =>
      expect(screen.getByLabelText('current location')).toHaveTextContent(
        '/gpu-fleet/workspaces/ml-training/deployments/llama-3-8b-chat',
      ),
    );
  });

  it('creates an MPIJob run whose workers each get the GPU count, with RDMA', async () => {
    const api = formApi();
    api.createDeployment.mockResolvedValue(
      aDeployment({ name: 'pretrain-7b' }),
    );
    await renderGpuFleetPage(<NewDeploymentPage />, { api, url });
    const user = userEvent.setup();

    await waitFor(() => expect(select('GPU type')).toHaveValue('H100'));
    await user.click(
      screen.getByRole('radio', { name: 'MPIJob training run' }),
    );
    expect(field('Image')).toHaveValue('nvcr.io/nvidia/pytorch:24.10-py3');
    expect(screen.queryByRole('textbox', { name: 'Model' })).toBeNull();
    expect(
      screen.queryByRole('textbox', { name: 'Replicas (min)' }),
    ).toBeNull();
    expect(field('GPUs per worker')).toHaveValue('8');
    expect(field('GPUs per worker')).toBeDisabled();

    await fill(user, 'Name', 'pretrain-7b');
    await fill(user, 'GPU count', '4');
    expect(field('GPUs per worker')).toHaveValue('4');
    await fill(user, 'Workers', '16');
    await user.click(screen.getByRole('checkbox', { name: 'RDMA' }));
    await fill(user, '/dev/shm size', '128Gi');
    await user.click(screen.getByRole('button', { name: 'Create deployment' }));

    expect(api.createDeployment).toHaveBeenCalledWith({
      kind: 'Job',
      name: 'pretrain-7b',
      workspace: 'ml-training',
      template: 'mpijob',
      image: 'nvcr.io/nvidia/pytorch:24.10-py3',
      resources: {
        gpu: { type: 'H100', count: 4 },
        cpu: '32',
        memory: '256Gi',
      },
      mpi: {
        workers: 16,
        gpusPerWorker: 4,
        rdma: { enabled: true, shmSize: '128Gi' },
      },
    });
  });

  it('offers no RDMA in a workspace that does not allow privileged pods', async () => {
    const api = formApi();
    await renderGpuFleetPage(<NewDeploymentPage />, {
      api,
      url: '/gpu-fleet/deployments/new?workspace=inference',
    });
    const user = userEvent.setup();
    await waitFor(() =>
      expect(api.getCapacity).toHaveBeenCalledWith(['gpuType'], {
        cluster: 'coreweave-h100',
      }),
    );
    await user.click(
      screen.getByRole('radio', { name: 'MPIJob training run' }),
    );
    const rdma = screen.getByRole('checkbox', { name: 'RDMA' });
    expect(rdma).toBeDisabled();
    expect(rdma).toHaveAccessibleDescription(
      'Workspace inference does not allow privileged pods, which RDMA needs.',
    );
  });

  it('previews the files a commit would hold and what the cluster lacks', async () => {
    const api = formApi();
    api.previewDeployment.mockResolvedValue({
      cluster: 'eks-p5',
      namespace: 'ml-training',
      path: 'eks-p5/ml-training/llama-3-8b-chat',
      objects: [{ kind: 'Deployment' }, { kind: 'Service' }],
      files: {
        'deployment.yaml': 'apiVersion: apps/v1\nkind: Deployment\n',
        'service.yaml': 'apiVersion: v1\nkind: Service\n',
      },
      unmet: [
        {
          requirement: 'gpu-capacity',
          field: 'resources.gpu.count',
          message: "needs 16 × H100 at once; cluster 'eks-p5' has 12 free",
        },
      ],
    });
    await renderGpuFleetPage(<NewDeploymentPage />, { api, url });
    const user = userEvent.setup();

    await waitFor(() => expect(select('GPU type')).toHaveValue('H100'));
    await fill(user, 'Name', 'llama-3-8b-chat');
    await fill(user, 'Model', 'meta-llama/Llama-3.1-8B-Instruct');
    await user.click(screen.getByRole('button', { name: 'Preview' }));

    expect(api.previewDeployment).toHaveBeenCalledWith(
      expect.objectContaining({ name: 'llama-3-8b-chat', template: 'vllm' }),
    );
    expect(api.createDeployment).not.toHaveBeenCalled();
    expect(
      await screen.findByRole('list', { name: 'Unmet requirements' }),
    ).toHaveTextContent(
      "resources.gpu.count: needs 16 × H100 at once; cluster 'eks-p5' has 12 free",
    );
    expect(
      screen.getByText(
        '2 objects for namespace ml-training on cluster eks-p5, committed to eks-p5/ml-training/llama-3-8b-chat.',
      ),
    ).toBeInTheDocument();
    expect(screen.getByLabelText('deployment.yaml')).toHaveTextContent(
      'apiVersion: apps/v1 kind: Deployment',
    );
    expect(screen.getByLabelText('service.yaml')).toHaveTextContent(
      'kind: Service',
    );

    // Changing the form retires the preview of the old values.
    await user.type(field('Name'), '-2');
    expect(screen.queryByLabelText('deployment.yaml')).toBeNull();
  });

  it('shows each field the API refused beside its input, and the rest in an alert', async () => {
    const api = formApi();
    api.createDeployment.mockRejectedValue(
      await apiError(
        400,
        'InputError',
        'name: must be a DNS-1123 label; resources.memory: must be a positive Kubernetes quantity, e.g. 8, 500m or 64Gi; labels.team: is not a label value',
      ),
    );
    await renderGpuFleetPage(<NewDeploymentPage />, { api, url });
    const user = userEvent.setup();

    await waitFor(() => expect(select('GPU type')).toHaveValue('H100'));
    await fill(user, 'Name', 'Llama_3');
    await fill(user, 'Model', 'meta-llama/Llama-3.1-8B-Instruct');
    await fill(user, 'Memory', 'lots');
    await user.click(screen.getByRole('button', { name: 'Create deployment' }));

    await waitFor(() =>
      expect(field('Name')).toHaveAccessibleDescription(
        'must be a DNS-1123 label',
      ),
    );
    expect(field('Memory')).toHaveAccessibleDescription(
      'must be a positive Kubernetes quantity, e.g. 8, 500m or 64Gi',
    );
    expect(screen.getByRole('alert')).toHaveTextContent(
      'The deployment was not created.labels.team: is not a label valueFix the 2 problems marked above.',
    );
    expect(screen.getByLabelText('current location')).toHaveTextContent(
      '/gpu-fleet/deployments/new?workspace=ml-training',
    );
  });

  it('names the fields it cannot send before asking the API', async () => {
    const api = formApi();
    await renderGpuFleetPage(<NewDeploymentPage />, { api, url });
    const user = userEvent.setup();

    await waitFor(() => expect(select('GPU type')).toHaveValue('H100'));
    await fill(user, 'Name', 'llama');
    await fill(user, 'GPU count', 'two');
    await user.click(screen.getByRole('button', { name: 'Create deployment' }));

    expect(field('GPU count')).toHaveAccessibleDescription(
      'must be a whole number of GPUs',
    );
    expect(field('Model')).toHaveAccessibleDescription(
      'is required for a vLLM service',
    );
    expect(api.createDeployment).not.toHaveBeenCalled();
  });

  it('marks the fields behind each requirement the cluster does not meet when the create is refused', async () => {
    const api = formApi();
    api.createDeployment.mockRejectedValue(
      await apiError(
        409,
        'ConflictError',
        "cluster 'eks-p5' cannot run this deployment: resources.gpu.count: needs 16 × H100 at once; cluster 'eks-p5' has 12 free; template: cluster 'eks-p5' does not have the mpi-operator add-on",
        {
          unmet: [
            {
              requirement: 'gpu-capacity',
              field: 'resources.gpu.count',
              message: "needs 16 × H100 at once; cluster 'eks-p5' has 12 free",
            },
            {
              requirement: 'addon',
              field: 'template',
              message: "cluster 'eks-p5' does not have the mpi-operator add-on",
            },
          ],
        },
      ),
    );
    await renderGpuFleetPage(<NewDeploymentPage />, { api, url });
    const user = userEvent.setup();

    await waitFor(() => expect(select('GPU type')).toHaveValue('H100'));
    await user.click(
      screen.getByRole('radio', { name: 'MPIJob training run' }),
    );
    await fill(user, 'Name', 'pretrain-7b');
    await user.click(screen.getByRole('button', { name: 'Create deployment' }));

    await waitFor(() =>
      expect(field('GPU count')).toHaveAccessibleDescription(
        "needs 16 × H100 at once; cluster 'eks-p5' has 12 free",
      ),
    );
    expect(screen.getByRole('alert')).toHaveTextContent(
      "The deployment was not created.The workspace's cluster cannot run it yet.template: cluster 'eks-p5' does not have the mpi-operator add-onFix the problem marked above.",
    );
  });
});
