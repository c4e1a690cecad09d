import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { ApiHolder } from '@backstage/core-plugin-api';
import {
  createFieldValidation,
  Stepper,
} from '@backstage/plugin-scaffolder-react/alpha';
import type { TemplateParameterSchema } from '@backstage/plugin-scaffolder-react';
import type {
  PlacementOptionsResponse,
  PlacementWorkspaceOption,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { gpuFleetApiRef } from '../../api/GpuFleetApi';
import { mockGpuFleetApi } from '../../__testUtils__/mockGpuFleetApi';
import { placementPickerField } from './placementPickerField';

const llmTraining: PlacementWorkspaceOption = {
  workspace: 'llm-training',
  displayName: 'LLM training',
  cluster: 'eks-p5',
  clusterDisplayName: 'EKS p5',
  provider: 'eks',
  namespace: 'llm-training',
  capacityType: 'spot-with-fallback',
  gpuQuota: [{ gpuType: 'H100', count: 16 }],
  reportedAt: '2026-12-02T10:00:00.000Z',
  // Two on-demand nodes, one full; the spot node half taken.
  gpuTypes: [
    {
      gpuType: 'H100',
      total: 24,
      free: 12,
      maxPerNode: 8,
      freeByNode: [
        { free: 8, nodes: 1 },
        { free: 4, nodes: 1 },
      ],
      pricePerGpuHour: { onDemand: 4, spot: 1.5 },
    },
  ],
};

const mlInference: PlacementWorkspaceOption = {
  workspace: 'ml-inference',
  displayName: 'ML inference',
  cluster: 'lambda-h200',
  clusterDisplayName: 'Lambda H200',
  provider: 'lambda',
  namespace: 'ml-inference',
  capacityType: 'on-demand',
  gpuQuota: [{ gpuType: 'H200', count: 8 }],
  reportedAt: '2026-12-02T10:00:00.000Z',
  gpuTypes: [
    {
      gpuType: 'H200',
      total: 16,
      free: 8,
      maxPerNode: 8,
      freeByNode: [{ free: 8, nodes: 1 }],
      pricePerGpuHour: { onDemand: 3.5, spot: null },
    },
    {
      gpuType: 'L40S',
      total: 8,
      free: 2,
      maxPerNode: 4,
      freeByNode: [{ free: 2, nodes: 1 }],
      pricePerGpuHour: { onDemand: null, spot: null },
    },
  ],
};

// What the backend answers Bob: the workspaces he deploys into, not the
// ones he only reads.
const bobsOptions: PlacementOptionsResponse = {
  workspaces: [llmTraining, mlInference],
  currency: 'EUR',
  generatedAt: '2026-12-02T10:00:01.000Z',
};

/** As the MPIJob template asks: workers first, then where they run. */
const mpiTemplate: TemplateParameterSchema = {
  title: 'MPIJob distributed training',
  steps: [
    {
      title: 'Training run',
      schema: {
        type: 'object',
        required: ['workers'],
        properties: {
          workers: {
            type: 'integer',
            title: 'Workers',
            minimum: 1,
            default: 2,
          },
        },
      },
    },
    {
      title: 'GPUs and network',
      schema: {
        type: 'object',
        required: ['placement'],
        properties: {
          placement: {
            type: 'object',
            title: 'Workspace and GPUs per worker',
            description: 'Free GPUs and prices are live',
            'ui:field': 'GpuFleetPlacementPicker',
            'ui:options': { podsFrom: 'workers' },
          },
        },
      },
    },
  ],
};

/** As the vLLM template asks: replicas, placement and capacity type on one step. */
const vllmTemplate: TemplateParameterSchema = {
  title: 'vLLM inference service',
  steps: [
    {
      title: 'GPUs and size',
      schema: {
        type: 'object',
        required: ['placement', 'minReplicas'],
        properties: {
          minReplicas: {
            type: 'integer',
            title: 'Replicas at least',
            minimum: 0,
            default: 1,
          },
          placement: {
            type: 'object',
            title: 'Workspace and GPUs',
            'ui:field': 'GpuFleetPlacementPicker',
            'ui:options': {
              podsFrom: 'minReplicas',
              capacityTypeFrom: 'capacityType',
            },
          },
          capacityType: {
            type: 'string',
            title: 'Capacity type',
            enum: ['on-demand', 'spot', 'spot-with-fallback'],
            default: 'on-demand',
          },
        },
      },
    },
  ],
};

async function renderTemplate(
  options: PlacementOptionsResponse,
  {
    template = mpiTemplate,
    initialState,
  }: {
    template?: TemplateParameterSchema;
    initialState?: Record<string, any>;
  } = {},
) {
  const api = mockGpuFleetApi({
    getPlacementOptions: jest.fn(async () => options),
  });
  const onCreate = jest.fn(async () => {});
  await renderInTestApp(
    <TestApiProvider apis={[[gpuFleetApiRef, api]]}>
      <Stepper
        manifest={template}
        extensions={[placementPickerField]}
        onCreate={onCreate}
        initialState={initialState}
      />
    </TestApiProvider>,
  );
  const user = userEvent.setup();
  if (template === mpiTemplate) {
    await user.click(screen.getByRole('button', { name: 'Next' }));
    await screen.findByRole('combobox', { name: 'Workspace' });
  }
  return { api, onCreate, user };
}

const select = (name: string) => screen.getByRole('combobox', { name });
const optionTexts = (name: string) =>
  within(select(name))
    .getAllByRole('option')
    .map(o => o.textContent);
const gpusPerPod = () =>
  screen.getByRole('spinbutton', { name: /GPUs per pod/ });

async function typeInto(
  user: ReturnType<typeof userEvent.setup>,
  input: HTMLElement,
  text: string,
) {
  await user.clear(input);
  await user.type(input, text);
}

describe('GpuFleetPlacementPicker', () => {
  beforeEach(() => {
    // The stepper scrolls to the top of each step; jsdom has no scrolling.
    jest.spyOn(window, 'scrollTo').mockImplementation(() => {});
  });
  afterEach(() => jest.restoreAllMocks());

  it('lists the workspaces the person may deploy into, with their clusters, free GPUs and prices', async () => {
    const { user } = await renderTemplate(bobsOptions);
    await waitFor(() =>
      expect(optionTexts('Workspace')).toEqual([
        'Choose a workspace',
        'llm-training — cluster eks-p5, Amazon EKS',
        'ml-inference — cluster lambda-h200, Lambda managed Kubernetes',
      ]),
    );
    expect(select('GPU type')).toBeDisabled();
    expect(
      screen.getByText('Only workspaces where you may deploy are listed.'),
    ).toBeInTheDocument();

    await user.selectOptions(select('Workspace'), 'ml-inference');
    // The type with the most GPUs free is chosen; one GPU per pod to start.
    expect(select('GPU type')).toHaveValue('H200');
    expect(optionTexts('GPU type')).toEqual([
      'Choose a GPU type',
      'H200 — 8 of 16 free, €3.50/h per GPU',
      'L40S — 2 of 8 free, no on-demand price',
    ]);
    expect(gpusPerPod()).toHaveValue(1);
    expect(
      screen.getByText(
        "Namespace ml-inference on cluster lambda-h200; pods are bought on-demand (the workspace's default).",
      ),
    ).toBeInTheDocument();
    // Two workers of one H200 each.
    expect(
      screen.getByText('In all: 2 × H200, 1 per pod × 2 pods (workers).'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Costs €7.00/h at €3.50/h per GPU, on-demand.'),
    ).toBeInTheDocument();

    // Spot with fallback shows both prices, per GPU and in all.
    await user.selectOptions(select('Workspace'), 'llm-training');
    expect(optionTexts('GPU type')).toEqual([
      'Choose a GPU type',
      'H100 — 12 of 24 free, spot €1.50/h, on-demand €4.00/h per GPU',
    ]);
    expect(
      screen.getByText(
        'Costs €3.00/h on spot, €8.00/h if it falls back to on-demand.',
      ),
    ).toBeInTheDocument();
  });

  it('says why a count cannot fit before Next, refuses it on Next, and goes on once it fits', async () => {
    const { api, user, onCreate } = await renderTemplate(bobsOptions);
    await waitFor(() => expect(optionTexts('Workspace')).toHaveLength(3));
    await user.selectOptions(select('Workspace'), 'ml-inference');

    // 2 workers × 8 H200: more than the quota and than the cluster has free.
    await typeInto(user, gpusPerPod(), '8');
    const quota =
      "Needs 16 × H200 at once (2 pods × 8); workspace 'ml-inference' may request at most 8 NVIDIA GPUs (its quota).";
    const free =
      "Needs 16 × H200 at once (2 pods × 8); cluster 'lambda-h200' has 8 free.";
    expect(screen.getByText(quota)).toBeInTheDocument();
    expect(screen.getByText(free)).toBeInTheDocument();
    expect(gpusPerPod()).toBeInvalid();
    // The totals still show what was asked.
    expect(
      screen.getByText('Costs €56.00/h at €3.50/h per GPU, on-demand.'),
    ).toBeInTheDocument();

    const calls = api.getPlacementOptions.mock.calls.length;
    await user.click(screen.getByRole('button', { name: 'Review' }));
    // Checked against the fleet again, refused, and still on the form.
    await waitFor(() =>
      expect(api.getPlacementOptions.mock.calls.length).toBeGreaterThan(calls),
    );
    await waitFor(() =>
      expect(
        screen.getAllByText(new RegExp(free.replace(/[().×]/g, '.'))).length,
      ).toBeGreaterThan(1),
    );
    expect(
      screen.queryByRole('button', { name: 'Create' }),
    ).not.toBeInTheDocument();

    // One worker of 8 fits on the free node: back to the first step to say so.
    await user.click(screen.getByRole('button', { name: 'Back' }));
    await typeInto(
      user,
      await screen.findByRole('spinbutton', { name: /Workers/ }),
      '1',
    );
    await user.click(screen.getByRole('button', { name: 'Next' }));
    await screen.findByRole('combobox', { name: 'Workspace' });
    expect(gpusPerPod()).toHaveValue(8);
    expect(screen.queryByText(/Needs/)).not.toBeInTheDocument();
    expect(gpusPerPod()).not.toBeInvalid();
    expect(
      screen.getByText('In all: 8 × H200, 8 per pod × 1 pod (workers).'),
    ).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Review' }));
    await user.click(await screen.findByRole('button', { name: 'Create' }));
    expect(onCreate).toHaveBeenCalledWith({
      workers: 1,
      placement: {
        workspace: 'ml-inference',
        cluster: 'lambda-h200',
        gpuType: 'H200',
        gpuCount: 8,
      },
    });
  });

  it('refuses workers that find no node although enough GPUs are free in all', async () => {
    const { user } = await renderTemplate(bobsOptions);
    await waitFor(() => expect(optionTexts('Workspace')).toHaveLength(3));
    await user.selectOptions(select('Workspace'), 'llm-training');
    await typeInto(user, gpusPerPod(), '6');
    expect(
      screen.getByText(
        "Only 1 of 2 pods of 6 × H100 fit now: cluster 'eks-p5' has 12 H100 free, spread over nodes, at most 8 on one.",
      ),
    ).toBeInTheDocument();
    await typeInto(user, gpusPerPod(), '12');
    expect(
      screen.getByText(
        "No node of cluster 'eks-p5' holds 12 × H100: the largest has 8.",
      ),
    ).toBeInTheDocument();
  });

  it('refuses a workspace the person may not deploy into, as a link might fill it in', async () => {
    const { user } = await renderTemplate(bobsOptions, {
      initialState: {
        workers: 1,
        placement: {
          workspace: 'platform',
          cluster: 'eks-p5',
          gpuType: 'H100',
          gpuCount: 1,
        },
      },
    });
    const refusal = "You may not deploy into workspace 'platform'.";
    expect(await screen.findByText(refusal)).toBeInTheDocument();
    expect(select('Workspace')).toHaveValue('platform');
    await user.click(screen.getByRole('button', { name: 'Review' }));
    await waitFor(() =>
      expect(
        screen.getAllByText(new RegExp(refusal.replace('.', '\\.'))).length,
      ).toBeGreaterThan(1),
    );
    expect(
      screen.queryByRole('button', { name: 'Create' }),
    ).not.toBeInTheDocument();
  });

  it('tells a person who may deploy nowhere', async () => {
    await renderTemplate({ ...bobsOptions, workspaces: [] });
    expect(
      await screen.findByText(
        'You may deploy into no workspace. A workspace admin can make you a deployer.',
      ),
    ).toBeInTheDocument();
    expect(optionTexts('Workspace')).toEqual(['Choose a workspace']);
  });

  it('prices the capacity type the template asks for, and counts at least one replica', async () => {
    await renderTemplate(bobsOptions, {
      template: vllmTemplate,
      initialState: { minReplicas: 0, capacityType: 'spot' },
    });
    await waitFor(() => expect(optionTexts('Workspace')).toHaveLength(3));
    await userEvent.setup().selectOptions(select('Workspace'), 'llm-training');
    expect(optionTexts('GPU type')).toEqual([
      'Choose a GPU type',
      'H100 — 12 of 24 free, €1.50/h per GPU',
    ]);
    expect(
      screen.getByText(
        'Namespace llm-training on cluster eks-p5; pods are bought spot.',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('In all: 1 × H100, 1 per pod × 1 pod (minReplicas).'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Costs €1.50/h at €1.50/h per GPU, spot.'),
    ).toBeInTheDocument();
  });

  it('chooses the only workspace there is', async () => {
    await renderTemplate({ ...bobsOptions, workspaces: [mlInference] });
    await waitFor(() =>
      expect(select('Workspace')).toHaveValue('ml-inference'),
    );
    expect(select('GPU type')).toHaveValue('H200');
  });
});

describe('the field’s validation', () => {
  const validate = async (
    choice: Record<string, unknown>,
    formData: Record<string, unknown>,
    answer: () => Promise<PlacementOptionsResponse>,
  ) => {
    const api = mockGpuFleetApi({ getPlacementOptions: jest.fn(answer) });
    const apiHolder: ApiHolder = {
      get: ref => (ref.id === gpuFleetApiRef.id ? (api as any) : undefined),
    };
    const validation = createFieldValidation();
    await placementPickerField.validation!(choice, validation, {
      apiHolder,
      formData: formData as any,
      schema: {},
      uiSchema: { 'ui:options': { podsFrom: 'workers' } },
    });
    return validation.__errors ?? [];
  };
  const choice = {
    workspace: 'llm-training',
    cluster: 'eks-p5',
    gpuType: 'H100',
    gpuCount: 4,
  };

  it('passes what fits now and counts the pods from the form', async () => {
    expect(
      await validate(choice, { workers: 3 }, async () => bobsOptions),
    ).toEqual([]);
    expect(
      await validate(choice, { workers: 4 }, async () => bobsOptions),
    ).toEqual([
      "Needs 16 × H100 at once (4 pods × 4); cluster 'eks-p5' has 12 free.",
    ]);
  });

  it('says so when the fleet cannot be asked', async () => {
    expect(
      await validate(choice, { workers: 1 }, async () => {
        throw new Error('connection refused');
      }),
    ).toEqual([
      'Could not check the placement against the fleet: connection refused',
    ]);
  });
});
