import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { fleetClusters } from '../../__testUtils__/fixtures';
import { apiError, mockGpuFleetApi } from '../../__testUtils__/mockGpuFleetApi';
import { renderGpuFleetPage } from '../../__testUtils__/renderGpuFleetPage';
import { ClusterListPage } from './ClusterListPage';

describe('ClusterListPage', () => {
  it('lists attached clusters with their status and versions, each linking to its page', async () => {
    const api = mockGpuFleetApi({
      listClusters: jest.fn(async () => fleetClusters),
    });
    await renderGpuFleetPage(<ClusterListPage />, { api });

    const link = await screen.findByRole('link', { name: 'EKS p5 pool' });
    expect(link).toHaveAttribute('href', '/gpu-fleet/clusters/eks-p5');
    const row = link.closest('tr')!;
    expect(within(row).getByText('Amazon EKS')).toBeInTheDocument();
    expect(within(row).getByText('us-east-1')).toBeInTheDocument();
    expect(within(row).getByText('Connected')).toBeInTheDocument();
    expect(within(row).getByText('0.3.1')).toBeInTheDocument();
    expect(within(row).getByText('v1.30.4')).toBeInTheDocument();
    expect(screen.getByText('Clusters (4)')).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Old GKE' })).toBeNull();

    await userEvent
      .setup()
      .click(screen.getByRole('checkbox', { name: 'Show detached clusters' }));
    expect(await screen.findByRole('link', { name: 'Old GKE' })).toBeVisible();
    expect(screen.getByText('Detached')).toBeInTheDocument();
  });

  it('asks the API for the provider and status in the URL', async () => {
    const api = mockGpuFleetApi({
      listClusters: jest.fn(async () => [fleetClusters[1]]),
    });
    await renderGpuFleetPage(<ClusterListPage />, {
      api,
      url: '/gpu-fleet/clusters?provider=eks&status=pending',
    });
    expect(await screen.findByRole('link', { name: 'EKS spot' })).toBeVisible();
    expect(api.listClusters).toHaveBeenCalledWith({
      provider: 'eks',
      status: 'pending',
    });
  });

  it('offers the attach wizard when no cluster is attached, and shows load errors', async () => {
    const api = mockGpuFleetApi({ listClusters: jest.fn(async () => []) });
    const { unmount } = await renderGpuFleetPage(<ClusterListPage />, { api });
    expect(
      await screen.findByText('No clusters attached yet'),
    ).toBeInTheDocument();
    expect(
      screen.getAllByRole('link', { name: 'Attach a cluster' })[0],
    ).toHaveAttribute('href', '/gpu-fleet/attach');
    unmount();

    api.listClusters.mockRejectedValue(
      await apiError(
        403,
        'NotAllowedError',
        'not allowed: gpu-fleet.cluster.read',
      ),
    );
    await renderGpuFleetPage(<ClusterListPage />, { api });
    expect(
      await screen.findByText(
        'Error: Could not load clusters: not allowed: gpu-fleet.cluster.read',
      ),
    ).toBeInTheDocument();
  });
});
