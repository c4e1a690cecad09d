import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { AttachClusterResponse } from '@gpu-fleet/plugin-gpu-fleet-common';
import { aCluster } from '../../__testUtils__/fixtures';
import { apiError, mockGpuFleetApi } from '../../__testUtils__/mockGpuFleetApi';
import { renderGpuFleetPage } from '../../__testUtils__/renderGpuFleetPage';
import { AttachClusterPage } from './AttachClusterPage';

const attached: AttachClusterResponse = {
  cluster: aCluster({
    name: 'cw-h100',
    displayName: 'cw-h100',
    provider: 'coreweave',
    region: 'US-EAST-04',
    status: 'pending',
    addons: ['gpu-operator', 'cert-manager', 'mpi-operator', 'kueue'],
  }),
  token: 'gft_one-time-token',
  install: {
    command:
      'helm upgrade --install gpu-fleet-agent gpu-fleet/gpu-fleet-agent \\\n  --namespace gpu-fleet --create-namespace \\\n  --set tokenSecret=gft_one-time-token',
    valuesYaml: 'clusterName: "cw-h100"\ntokenSecret: "gft_one-time-token"\n',
    namespace: 'gpu-fleet',
    releaseName: 'gpu-fleet-agent',
    chart: 'gpu-fleet/gpu-fleet-agent',
  },
  warnings: [
    'NVIDIA GPU Operator is selected, but CoreWeave CKS already manages it (CKS installs and manages the NVIDIA GPU Operator; a second one is unsupported): both would install it',
  ],
};

async function goToDetails(user: ReturnType<typeof userEvent.setup>) {
  await user.click(
    await screen.findByRole('radio', { name: /^CoreWeave CKS/ }),
  );
  await user.click(screen.getByRole('button', { name: 'Next' }));
  await screen.findByRole('heading', { name: 'Step 2 of 4: Add-ons' });
}

describe('AttachClusterPage', () => {
  it('defaults add-ons by provider, warns on overlap, posts the form and shows the install command', async () => {
    const api = mockGpuFleetApi({
      attachCluster: jest.fn(async () => attached),
    });
    await renderGpuFleetPage(<AttachClusterPage />, { api });
    const user = userEvent.setup();
    await goToDetails(user);

    // Focus follows the step, for keyboard and screen-reader users.
    expect(
      screen.getByRole('heading', { name: 'Step 2 of 4: Add-ons' }),
    ).toHaveFocus();
    const addon = (name: string) => screen.getByRole('checkbox', { name });
    expect(addon('NVIDIA GPU Operator')).not.toBeChecked();
    expect(addon('cert-manager')).toBeChecked();
    expect(addon('MPI Operator')).toBeChecked();
    expect(addon('Kueue')).toBeChecked();
    expect(addon('kube-prometheus-stack')).not.toBeChecked();
    expect(screen.queryByText(/already manages it/)).toBeNull();

    await user.click(addon('NVIDIA GPU Operator'));
    expect(
      screen.getByText(/CoreWeave CKS already manages it/),
    ).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Next' }));
    await user.type(
      screen.getByRole('textbox', { name: /Cluster name/ }),
      'cw-h100',
    );
    await user.type(
      screen.getByRole('textbox', { name: 'Region' }),
      'US-EAST-04',
    );
    await user.click(screen.getByRole('button', { name: 'Attach cluster' }));

    expect(api.attachCluster).toHaveBeenCalledWith({
      name: 'cw-h100',
      provider: 'coreweave',
      region: 'US-EAST-04',
      addons: ['gpu-operator', 'kueue', 'mpi-operator', 'cert-manager'],
      overrideManagedAddons: ['gpu-operator'],
    });
    expect(
      await screen.findByRole('heading', {
        name: 'Step 4 of 4: Install the agent',
      }),
    ).toBeInTheDocument();
    expect(screen.getByLabelText('Install command').textContent).toBe(
      attached.install.command,
    );
    expect(screen.getByLabelText('Values file').textContent).toBe(
      attached.install.valuesYaml,
    );
    expect(
      screen.getByRole('button', { name: 'Copy Install command' }),
    ).toBeInTheDocument();
    expect(screen.getByText(attached.warnings[0])).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'Open the page of cw-h100' }),
    ).toHaveAttribute('href', '/gpu-fleet/clusters/cw-h100');
    // Not the local default: no simulated cluster is offered.
    expect(screen.queryByLabelText('Simulated cluster command')).toBeNull();
    expect(screen.queryByRole('textbox', { name: 'GPU shape' })).toBeNull();
  });

  it('on the local default, also shows the command that simulates the cluster with the token, in the shape chosen', async () => {
    const api = mockGpuFleetApi({
      attachCluster: jest.fn(async () => ({
        ...attached,
        demoCluster: { portalUrl: 'http://localhost:7007' },
      })),
    });
    await renderGpuFleetPage(<AttachClusterPage />, { api });
    const user = userEvent.setup();
    await goToDetails(user);
    await user.click(screen.getByRole('button', { name: 'Next' }));
    await user.type(
      screen.getByRole('textbox', { name: /Cluster name/ }),
      'cw-h100',
    );
    await user.click(screen.getByRole('button', { name: 'Attach cluster' }));
    await screen.findByRole('heading', {
      name: 'Step 4 of 4: Install the agent',
    });

    const command = () =>
      screen.getByLabelText('Simulated cluster command').textContent;
    // CoreWeave's usual shape, the attached add-ons, the one-time token.
    const shape = screen.getByRole('textbox', { name: 'GPU shape' });
    expect(shape).toHaveValue('H100x8');
    expect(command()).toBe(
      'yarn demo:cluster --provider coreweave --name cw-h100 --gpus H100x8 --addons gpu-operator,cert-manager,mpi-operator,kueue --token gft_one-time-token',
    );
    expect(
      screen.getByRole('button', { name: 'Copy Simulated cluster command' }),
    ).toBeInTheDocument();

    await user.clear(shape);
    await user.type(shape, 'b200x8,L40Sx4');
    expect(command()).toContain('--gpus B200x8,L40Sx4 ');

    // A shape the command would refuse is refused here, and no command is shown.
    await user.clear(shape);
    await user.type(shape, 'B200');
    expect(shape).toHaveAccessibleDescription(
      "GPU shape 'B200' is not <GPU type>x<GPUs per node>[,...], e.g. B200x8 or H100x8,L40Sx4",
    );
    expect(screen.queryByLabelText('Simulated cluster command')).toBeNull();
  });

  it('refuses a name that is not a DNS label before asking the API', async () => {
    const api = mockGpuFleetApi();
    await renderGpuFleetPage(<AttachClusterPage />, { api });
    const user = userEvent.setup();
    await goToDetails(user);
    await user.click(screen.getByRole('button', { name: 'Next' }));

    await user.click(screen.getByRole('button', { name: 'Attach cluster' }));
    expect(
      screen.getByRole('textbox', { name: /Cluster name/ }),
    ).toHaveAccessibleDescription('Cluster name is required');

    await user.type(
      screen.getByRole('textbox', { name: /Cluster name/ }),
      'GPU_Pool',
    );
    await user.tab();
    expect(
      screen.getByRole('textbox', { name: /Cluster name/ }),
    ).toHaveAccessibleDescription(/Cluster name must be a DNS label/);
    expect(api.attachCluster).not.toHaveBeenCalled();
  });

  it("puts the API's field errors beside their fields", async () => {
    const api = mockGpuFleetApi({
      attachCluster: jest
        .fn()
        .mockRejectedValueOnce(
          await apiError(
            400,
            'InputError',
            'region: String must contain at most 100 character(s); labels.team: is not a valid label key',
          ),
        )
        .mockRejectedValueOnce(
          await apiError(
            409,
            'ConflictError',
            "name: a cluster named 'cw-h100' is already attached",
          ),
        ),
    });
    await renderGpuFleetPage(<AttachClusterPage />, { api });
    const user = userEvent.setup();
    await goToDetails(user);
    await user.click(screen.getByRole('button', { name: 'Next' }));
    await user.type(
      screen.getByRole('textbox', { name: /Cluster name/ }),
      'cw-h100',
    );
    await user.type(
      screen.getByRole('textbox', { name: 'Region' }),
      'r'.repeat(5),
    );
    await user.click(screen.getByRole('button', { name: 'Attach cluster' }));

    expect(
      await screen.findByText('String must contain at most 100 character(s)'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('textbox', { name: 'Region' }),
    ).toHaveAccessibleDescription(
      'String must contain at most 100 character(s)',
    );
    expect(
      within(screen.getByRole('alert')).getByText(
        'labels: is not a valid label key',
      ),
    ).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Attach cluster' }));
    expect(
      await screen.findByText("a cluster named 'cw-h100' is already attached"),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('textbox', { name: /Cluster name/ }),
    ).toHaveAccessibleDescription(
      "a cluster named 'cw-h100' is already attached",
    );
  });
});
