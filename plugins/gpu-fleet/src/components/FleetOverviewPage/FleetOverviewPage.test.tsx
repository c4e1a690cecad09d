import { screen, within } from '@testing-library/react';
import {
  byProviderCapacity,
  emptyCapacity,
  fleetClusters,
} from '../../__testUtils__/fixtures';
import { apiError, mockGpuFleetApi } from '../../__testUtils__/mockGpuFleetApi';
import { renderGpuFleetPage } from '../../__testUtils__/renderGpuFleetPage';
import { FleetOverviewPage } from './FleetOverviewPage';

function providerRow(title: string) {
  const table = screen.getByRole('table', {
    name: 'Clusters by provider and status',
  });
  return within(table)
    .getByRole('row', { name: new RegExp(`^${title}`) })
    .querySelectorAll('th, td');
}

describe('FleetOverviewPage', () => {
  it('counts attached clusters by provider and status and pools the GPUs', async () => {
    const api = mockGpuFleetApi({
      listClusters: jest.fn(async () => fleetClusters),
      getCapacity: jest.fn(async () => byProviderCapacity),
    });
    await renderGpuFleetPage(<FleetOverviewPage />, { api });

    await screen.findByRole('table', {
      name: 'Clusters by provider and status',
    });
    // Columns: provider, pending, connected, disconnected, revoked, total.
    expect([...providerRow('Amazon EKS')].map(c => c.textContent)).toEqual([
      'Amazon EKS',
      '1',
      '1',
      '0',
      '0',
      '2',
    ]);
    expect([...providerRow('Lambda')].map(c => c.textContent)).toEqual([
      'Lambda managed Kubernetes',
      '0',
      '0',
      '1',
      '0',
      '1',
    ]);
    // The detached GKE cluster is not counted.
    expect(screen.queryByRole('row', { name: /^Google GKE/ })).toBeNull();
    expect(
      screen.getByRole('link', { name: '1 pending Amazon EKS clusters' }),
    ).toHaveAttribute(
      'href',
      '/gpu-fleet/clusters?provider=eks&status=pending',
    );

    expect(api.getCapacity).toHaveBeenCalledWith(['provider']);
    expect(
      (await screen.findByRole('group', { name: 'Total GPUs' })).textContent,
    ).toBe('Total GPUs72');
    expect(screen.getByRole('group', { name: 'Allocated' }).textContent).toBe(
      'Allocated43',
    );
    expect(screen.getByRole('group', { name: 'Free' }).textContent).toBe(
      'Free28',
    );
    expect(
      screen.getByRole('img', { name: /^CoreWeave CKS:/ }),
    ).toHaveAccessibleName('CoreWeave CKS: 8 allocated, 24 free of 32 GPUs');

    for (const [name, href] of [
      ['GPU capacity', '/gpu-fleet/capacity'],
      ['Clusters', '/gpu-fleet/clusters'],
      ['Workspaces', '/gpu-fleet/workspaces'],
      ['Attach a cluster', '/gpu-fleet/attach'],
    ]) {
      expect(screen.getByRole('link', { name })).toHaveAttribute('href', href);
    }
  });

  it('invites attaching a cluster when there is none, and says no GPUs are reported', async () => {
    const api = mockGpuFleetApi({
      listClusters: jest.fn(async () => [fleetClusters[4]]),
      getCapacity: jest.fn(async () => emptyCapacity),
    });
    await renderGpuFleetPage(<FleetOverviewPage />, { api });
    expect(
      await screen.findByText('No clusters attached yet'),
    ).toBeInTheDocument();
    expect(await screen.findByText(/No GPUs reported yet/)).toBeInTheDocument();
  });

  it('keeps the cluster counts when capacity fails, and says why', async () => {
    const api = mockGpuFleetApi({
      listClusters: jest.fn(async () => fleetClusters),
      getCapacity: jest
        .fn()
        .mockRejectedValue(
          await apiError(
            503,
            'ServiceUnavailableError',
            'capacity store is starting',
          ),
        ),
    });
    await renderGpuFleetPage(<FleetOverviewPage />, { api });
    expect(
      await screen.findByText(
        'Error: Could not load GPU capacity: capacity store is starting',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('table', { name: 'Clusters by provider and status' }),
    ).toBeInTheDocument();
  });
});
