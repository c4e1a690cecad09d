import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router-dom';
import type { CapacityFilters } from '../../api/GpuFleetApi';
import {
  aDeployment,
  vllmManifest,
} from '../../__testUtils__/deploymentFixtures';
import {
  aWorkspace,
  emptyCapacity,
  fleetClusters,
  row,
} from '../../__testUtils__/fixtures';
import { apiError, mockGpuFleetApi } from '../../__testUtils__/mockGpuFleetApi';
import { renderGpuFleetPage } from '../../__testUtils__/renderGpuFleetPage';
import { EditDeploymentPage } from './EditDeploymentPage';

const url = '/gpu-fleet/workspaces/ml-inference/deployments/llama/edit';

const page = (
  <Routes>
    <Route
      path="/gpu-fleet/workspaces/:workspace/deployments/:name/edit"
      element={<EditDeploymentPage />}
    />
  </Routes>
);

// Bob's vLLM service, on the H200s of its workspace's Lambda cluster.
const llama = aDeployment({
  name: 'llama',
  workspace: 'ml-inference',
  namespace: 'ml-inference',
  cluster: 'lambda-h200',
  manifest: {
    ...vllmManifest,
    name: 'llama',
    workspace: 'ml-inference',
    resources: { gpu: { type: 'H200', count: 2 }, cpu: '16', memory: '128Gi' },
    replicas: { min: 1, max: 2 },
    env: [{ name: 'VLLM_LOGGING_LEVEL', value: 'DEBUG' }],
    ports: [{ name: 'http', port: 8000 }],
  },
});

const GPUS: Record<string, ReturnType<typeof row>[]> = {
  'lambda-h200': [row({ gpuType: 'H200' }, 24, 8)],
  'coreweave-h100': [row({ gpuType: 'H100' }, 32, 8)],
};

function editApi(deployment = llama) {
  return mockGpuFleetApi({
    getDeployment: jest.fn(async () => deployment),
    getWorkspace: jest.fn(async () =>
      aWorkspace({
        name: 'ml-inference',
        namespace: 'ml-inference',
        cluster: 'lambda-h200',
      }),
    ),
    listClusters: jest.fn(async () => fleetClusters),
    getCapacity: jest.fn(async (_groupBy, filters: CapacityFilters) => ({
      ...emptyCapacity,
      groupBy: ['gpuType' as const],
      rows: GPUS[filters.cluster!] ?? [],
    })),
  });
}

const field = (name: string) => screen.getByRole('textbox', { name });
const select = (name: string) => screen.getByRole('combobox', { name });
const optionsOf = (name: string) =>
  within(select(name))
    .getAllByRole('option')
    .map(o => o.textContent);

describe('EditDeploymentPage', () => {
  it('prefills the current manifest, previews another cluster, and saves the whole changed manifest', async () => {
    const api = editApi();
    api.previewDeployment.mockImplementation(async manifest => ({
      cluster: manifest.cluster ?? 'lambda-h200',
      namespace: 'ml-inference',
      path: `${manifest.cluster}/ml-inference/llama`,
      objects: [{ kind: 'Deployment' }],
      files: { 'deployment.yaml': 'kind: Deployment\n' },
      unmet:
        manifest.resources.gpu.type === 'H100'
          ? []
          : [
              {
                requirement: 'gpu-type',
                field: 'resources.gpu.type',
                message: `cluster '${manifest.cluster}' has no ${manifest.resources.gpu.type} GPUs`,
              },
            ],
    }));
    api.updateDeployment.mockResolvedValue(llama);
    await renderGpuFleetPage(page, { api, url });
    const user = userEvent.setup();

    expect(
      await screen.findByRole('heading', { name: 'Edit llama', level: 1 }),
    ).toBeInTheDocument();
    await waitFor(() =>
      expect(optionsOf('GPU type')).toEqual([
        'Choose a GPU type',
        'H200 (16 of 24 free)',
      ]),
    );
    expect(select('GPU type')).toHaveValue('H200');
    expect(field('Name')).toHaveValue('llama');
    expect(field('Name')).toBeDisabled();
    expect(select('Workspace')).toHaveValue('ml-inference');
    expect(select('Workspace')).toBeDisabled();
    expect(screen.getByRole('radio', { name: 'vLLM service' })).toBeChecked();
    expect(
      screen.getByRole('radio', { name: 'MPIJob training run' }),
    ).toBeDisabled();
    expect(field('GPU count')).toHaveValue('2');
    expect(field('CPU')).toHaveValue('16');
    expect(field('Memory')).toHaveValue('128Gi');
    expect(field('Replicas (max)')).toHaveValue('2');
    expect(field('Model')).toHaveValue(vllmManifest.model);
    // The workspace's own cluster is the default; attached others may be chosen.
    expect(select('Cluster')).toHaveValue('');
    await waitFor(() =>
      expect(
        within(select('Cluster'))
          .getAllByRole('option')
          .map(o => o.getAttribute('value')),
      ).toEqual(['', 'eks-p5', 'eks-spot', 'coreweave-h100']),
    );

    await user.selectOptions(select('Cluster'), 'coreweave-h100');
    await waitFor(() =>
      expect(optionsOf('GPU type')).toEqual([
        'Choose a GPU type',
        'H200 (none on coreweave-h100)',
        'H100 (24 of 32 free)',
      ]),
    );
    expect(api.getCapacity).toHaveBeenLastCalledWith(['gpuType'], {
      cluster: 'coreweave-h100',
    });
    await user.click(screen.getByRole('button', { name: 'Preview' }));
    expect(
      await screen.findByRole('list', { name: 'Unmet requirements' }),
    ).toHaveTextContent(
      "resources.gpu.type: cluster 'coreweave-h100' has no H200 GPUs",
    );

    await user.selectOptions(select('GPU type'), 'H100');
    await user.clear(field('Replicas (max)'));
    await user.paste('4');
    await user.click(screen.getByRole('button', { name: 'Preview' }));
    expect(
      await screen.findByText(
        'Cluster coreweave-h100 meets every requirement.',
      ),
    ).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Save' }));
    // Fields the form has no input for (env, ports, args) go back as they were.
    expect(api.updateDeployment).toHaveBeenCalledWith('ml-inference', 'llama', {
      kind: 'Service',
      name: 'llama',
      workspace: 'ml-inference',
      cluster: 'coreweave-h100',
      template: 'vllm',
      image: 'vllm/vllm-openai:v0.6.4',
      model: 'meta-llama/Llama-3.1-8B-Instruct',
      args: [],
      resources: {
        gpu: { type: 'H100', count: 2 },
        cpu: '16',
        memory: '128Gi',
      },
      replicas: { min: 1, max: 4 },
      env: [{ name: 'VLLM_LOGGING_LEVEL', value: 'DEBUG' }],
      ports: [{ name: 'http', port: 8000 }],
    });
    expect(api.previewDeployment).toHaveBeenLastCalledWith(
      api.updateDeployment.mock.calls[0][2],
    );
    await waitFor(() =>
      expect(screen.getByLabelText('current location')).toHaveTextContent(
        /^\/gpu-fleet\/workspaces\/ml-inference\/deployments\/llama$/,
      ),
    );
  });

  it('marks the fields behind unmet requirements and refused values, and stays on the form', async () => {
    const api = editApi();
    api.updateDeployment
      .mockRejectedValueOnce(
        await apiError(
          409,
          'ConflictError',
          "cluster 'coreweave-h100' cannot run this deployment: resources.gpu.type: cluster 'coreweave-h100' has no H200 GPUs",
          {
            cluster: 'coreweave-h100',
            unmet: [
              {
                requirement: 'gpu-type',
                field: 'resources.gpu.type',
                message: "cluster 'coreweave-h100' has no H200 GPUs",
              },
            ],
          },
        ),
      )
      .mockRejectedValueOnce(
        await apiError(
          400,
          'InputError',
          'image: must be an image reference, e.g. vllm/vllm-openai:v0.8.5',
        ),
      );
    await renderGpuFleetPage(page, { api, url });
    const user = userEvent.setup();

    await waitFor(() => expect(select('GPU type')).toHaveValue('H200'));
    await waitFor(() =>
      expect(
        within(select('Cluster')).getByRole('option', {
          name: 'CoreWeave H100 (coreweave-h100)',
        }),
      ).toBeInTheDocument(),
    );
    await user.selectOptions(select('Cluster'), 'coreweave-h100');
    await user.click(screen.getByRole('button', { name: 'Save' }));

    await waitFor(() =>
      expect(select('GPU type')).toHaveAccessibleDescription(
        "cluster 'coreweave-h100' has no H200 GPUs",
      ),
    );
    expect(screen.getByRole('alert')).toHaveTextContent(
      'The deployment was not saved.Cluster coreweave-h100 cannot run it yet.Fix the problem marked above.',
    );

    await user.selectOptions(select('GPU type'), 'H100');
    await user.clear(field('Image'));
    await user.paste('VLLM:latest');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() =>
      expect(field('Image')).toHaveAccessibleDescription(
        'must be an image reference, e.g. vllm/vllm-openai:v0.8.5',
      ),
    );
    expect(api.updateDeployment).toHaveBeenCalledTimes(2);
    expect(screen.getByLabelText('current location')).toHaveTextContent(url);
  });

  it('offers no form to someone who may not change the deployment', async () => {
    const api = editApi(
      aDeployment({ ...llama, access: { update: false, delete: false } }),
    );
    await renderGpuFleetPage(page, { api, url });
    expect(
      await screen.findByText(
        'You may read deployment llama but not change it.',
      ),
    ).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Save' })).toBeNull();
  });
});
