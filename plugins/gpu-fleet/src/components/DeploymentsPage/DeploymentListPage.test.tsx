import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  aDeployment,
  anMpiJobDeployment,
  pendingStatus,
  UNSCHEDULABLE,
} from '../../__testUtils__/deploymentFixtures';
import { aWorkspace, viewerAccess } from '../../__testUtils__/fixtures';
import { mockGpuFleetApi } from '../../__testUtils__/mockGpuFleetApi';
import { renderGpuFleetPage } from '../../__testUtils__/renderGpuFleetPage';
import { DeploymentListPage } from './DeploymentListPage';

const fleet = [
  aDeployment({ status: pendingStatus, revision: 3 }),
  anMpiJobDeployment({ workspace: 'research', namespace: 'research' }),
];

function listApi() {
  return mockGpuFleetApi({
    listDeployments: jest.fn(async ({ workspace } = {}) =>
      fleet.filter(d => !workspace || d.workspace === workspace),
    ),
    listWorkspaces: jest.fn(async () => [
      aWorkspace(),
      aWorkspace({ name: 'research', access: viewerAccess }),
    ]),
  });
}

function tableRows() {
  const table = screen.getByRole('table');
  return within(table)
    .getAllByRole('row')
    .filter(row => within(row).queryAllByRole('cell').length > 0)
    .map(row =>
      within(row)
        .getAllByRole('cell')
        .map(cell => cell.textContent),
    );
}

describe('DeploymentListPage', () => {
  it('lists deployments across the fleet with where they run, what they use and how they stand', async () => {
    const api = listApi();
    await renderGpuFleetPage(<DeploymentListPage />, {
      api,
      url: '/gpu-fleet/deployments',
    });

    expect(
      await screen.findByRole('link', { name: 'llama-3-8b-chat' }),
    ).toHaveAttribute(
      'href',
      '/gpu-fleet/workspaces/ml-training/deployments/llama-3-8b-chat',
    );
    expect(api.listDeployments).toHaveBeenCalledWith({});
    expect(screen.getByText('Deployments (2)')).toBeInTheDocument();
    const rows = tableRows();
    expect(rows[0].slice(0, 8)).toEqual([
      'llama-3-8b-chat',
      'ml-training',
      'eks-p5',
      'vllm',
      '1 × H100',
      'Pending',
      `1 of 1 pod Pending: ${UNSCHEDULABLE}`,
      '3 · 3f9c2a1 (applied: 2)',
    ]);
    expect(rows[1].slice(0, 8)).toEqual([
      'pretrain-7b',
      'research',
      'coreweave-h100',
      'mpijob',
      '8 × H200 × 2 workers',
      'Running',
      'MPIJob Running: launcher and 2 workers running',
      '1 · a1b2c3d',
    ]);
    expect(screen.getByRole('link', { name: 'research' })).toHaveAttribute(
      'href',
      '/gpu-fleet/workspaces/research',
    );
    expect(
      screen.getByRole('link', { name: 'New deployment' }),
    ).toHaveAttribute('href', '/gpu-fleet/deployments/new');
  });

  it('narrows the list to the workspace in the URL and keeps the choice there', async () => {
    const api = listApi();
    await renderGpuFleetPage(<DeploymentListPage />, {
      api,
      url: '/gpu-fleet/deployments?workspace=research',
    });
    const user = userEvent.setup();

    expect(
      await screen.findByRole('link', { name: 'pretrain-7b' }),
    ).toBeInTheDocument();
    expect(api.listDeployments).toHaveBeenCalledWith({ workspace: 'research' });
    expect(screen.queryByRole('link', { name: 'llama-3-8b-chat' })).toBeNull();
    // A viewer of research may not deploy there.
    expect(screen.queryByRole('link', { name: 'New deployment' })).toBeNull();

    await user.selectOptions(
      screen.getByRole('combobox', { name: 'Workspace' }),
      'ml-training',
    );
    expect(
      await screen.findByRole('link', { name: 'llama-3-8b-chat' }),
    ).toBeInTheDocument();
    expect(screen.getByLabelText('current location')).toHaveTextContent(
      '/gpu-fleet/deployments?workspace=ml-training',
    );
    expect(api.listDeployments).toHaveBeenLastCalledWith({
      workspace: 'ml-training',
    });
    expect(
      screen.getByRole('link', { name: 'New deployment' }),
    ).toHaveAttribute(
      'href',
      '/gpu-fleet/deployments/new?workspace=ml-training',
    );
  });

  it('says when a workspace has no deployments and offers to create one', async () => {
    const api = listApi();
    api.listDeployments.mockResolvedValue([]);
    await renderGpuFleetPage(<DeploymentListPage />, {
      api,
      url: '/gpu-fleet/deployments?workspace=ml-training',
    });
    expect(
      await screen.findByText('No deployments in workspace ml-training'),
    ).toBeInTheDocument();
    await waitFor(() =>
      expect(
        screen.getByRole('link', { name: 'New deployment' }),
      ).toHaveAttribute(
        'href',
        '/gpu-fleet/deployments/new?workspace=ml-training',
      ),
    );
  });
});
