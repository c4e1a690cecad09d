import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { CapacityHistoryResponse } from '@gpu-fleet/plugin-gpu-fleet-common';
import {
  emptyCapacity,
  fleetClusters,
  matrixCapacity,
  row,
} from '../../__testUtils__/fixtures';
import { apiError, mockGpuFleetApi } from '../../__testUtils__/mockGpuFleetApi';
import { renderGpuFleetPage } from '../../__testUtils__/renderGpuFleetPage';
import { CapacityPage } from './CapacityPage';

const history: CapacityHistoryResponse = {
  intervalSeconds: 60,
  series: [
    {
      key: { provider: 'eks' },
      points: [
        { at: '2026-11-23T09:58:00.000Z', total: 16, allocated: 4, free: 12 },
        { at: '2026-11-23T09:59:00.000Z', total: 16, allocated: 12, free: 4 },
      ],
    },
    {
      key: { provider: 'coreweave' },
      points: [
        { at: '2026-11-23T09:58:00.000Z', total: 32, allocated: 2, free: 30 },
        { at: '2026-11-23T09:59:00.000Z', total: 32, allocated: 8, free: 24 },
      ],
    },
  ],
};

function capacityApi(capacity = matrixCapacity) {
  return mockGpuFleetApi({
    getCapacity: jest.fn(async (groupBy: string[]) =>
      groupBy.join(',') === 'gpuType'
        ? {
            ...capacity,
            groupBy: ['gpuType'],
            rows: [
              row({ gpuType: 'H100' }, 48, 20),
              row({ gpuType: 'H200' }, 24, 23),
            ],
          }
        : capacity,
    ),
    getCapacityHistory: jest.fn(async () => history),
    listClusters: jest.fn(async () => fleetClusters),
  });
}

/** The matrix cell for one provider (row) and GPU type (column). */
function matrixCell(provider: string, gpuType: string): HTMLElement {
  const table = screen.getByRole('table', {
    name: 'GPUs by provider and GPU type',
  });
  const headers = within(table)
    .getAllByRole('columnheader')
    .map(h => h.textContent);
  const providerRow = within(table).getByRole('row', {
    name: new RegExp(`^${provider}`),
  });
  return providerRow.querySelectorAll<HTMLElement>('th, td')[
    headers.indexOf(gpuType)
  ];
}

function figureIn(label: string, container: HTMLElement = document.body) {
  return within(container).getByRole('group', { name: label }).textContent;
}

describe('CapacityPage', () => {
  it('shows each provider × GPU type cell and the pooled totals as the API gives them', async () => {
    const api = capacityApi();
    await renderGpuFleetPage(<CapacityPage />, {
      api,
      url: '/gpu-fleet/capacity',
    });

    await screen.findByRole('table', { name: 'GPUs by provider and GPU type' });
    expect(api.getCapacity).toHaveBeenCalledWith(['provider', 'gpuType'], {});

    expect(matrixCell('Amazon EKS', 'H100')).toHaveTextContent(
      'Total 16Allocated 12Free 4',
    );
    expect(matrixCell('CoreWeave CKS', 'H100')).toHaveTextContent(
      'Total 32Allocated 8Free 24',
    );
    expect(matrixCell('CoreWeave CKS', 'H200')).toHaveTextContent('none');
    expect(matrixCell('Lambda managed Kubernetes', 'H200')).toHaveTextContent(
      'Total 24Allocated 23Free 0',
    );

    expect(figureIn('Total')).toBe('Total72');
    expect(figureIn('Allocated')).toBe('Allocated43');
    expect(figureIn('Free')).toBe('Free28');
    expect(figureIn('Unavailable')).toBe('Unavailable1');
    expect(figureIn('Allocated GPUs')).toContain('$50.00/h');
    expect(figureIn('Idle GPUs')).toContain('$70.00/h');

    expect(
      screen.getByRole('img', { name: /^Amazon EKS · H100: / }),
    ).toHaveAccessibleName(
      'Amazon EKS · H100: 12 allocated, 4 free of 16 GPUs',
    );
    expect(
      screen.getByRole('img', { name: /^Lambda managed Kubernetes · H200/ }),
    ).toHaveAccessibleName(
      'Lambda managed Kubernetes · H200: 23 allocated, 0 free, 1 unavailable of 24 GPUs',
    );
    // A missing price is said, not shown as zero.
    expect(screen.getAllByText(/idle no price/)).toHaveLength(1);

    // The trend pools the series per point in time.
    expect(
      await screen.findByText(
        /now 20 of 48 GPUs allocated \(42%\); at most 20, at least 6 allocated/,
      ),
    ).toBeInTheDocument();
  });

  it('reads the filters from the URL and writes a changed filter back to it', async () => {
    const api = capacityApi();
    await renderGpuFleetPage(<CapacityPage />, {
      api,
      url: '/gpu-fleet/capacity?provider=eks&capacityType=spot&gpuType=H100&cluster=eks-p5&unknown=x',
    });
    await screen.findByRole('table', { name: 'GPUs by provider and GPU type' });
    expect(api.getCapacity).toHaveBeenCalledWith(['provider', 'gpuType'], {
      provider: 'eks',
      capacityType: 'spot',
      gpuType: 'H100',
      cluster: 'eks-p5',
    });
    expect(api.getCapacityHistory).toHaveBeenCalledWith(
      [],
      expect.objectContaining({ from: expect.any(Date), to: expect.any(Date) }),
      {
        provider: 'eks',
        capacityType: 'spot',
        gpuType: 'H100',
        cluster: 'eks-p5',
      },
    );

    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: /^Provider/ }));
    await user.click(
      await screen.findByRole('option', { name: 'CoreWeave CKS' }),
    );

    await waitFor(() =>
      expect(
        screen.getByRole('status', { name: 'current location' }),
      ).toHaveTextContent('provider=coreweave'),
    );
    await waitFor(() =>
      expect(api.getCapacity).toHaveBeenLastCalledWith(
        ['provider', 'gpuType'],
        {
          provider: 'coreweave',
          capacityType: 'spot',
          gpuType: 'H100',
          cluster: 'eks-p5',
        },
      ),
    );

    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    await waitFor(() =>
      expect(
        screen.getByRole('status', { name: 'current location' }).textContent,
      ).toBe('/gpu-fleet/capacity?unknown=x'),
    );
  });

  it('shows a changed allocation at the next refresh', async () => {
    const api = capacityApi();
    const changed = {
      ...matrixCapacity,
      rows: [row({ provider: 'eks', gpuType: 'H100' }, 16, 15)],
      totals: { ...matrixCapacity.totals, total: 16, allocated: 15, free: 1 },
    };
    let current = matrixCapacity;
    api.getCapacity.mockImplementation(async (groupBy: string[]) =>
      groupBy.length === 1 ? { ...matrixCapacity, rows: [] } : current,
    );
    await renderGpuFleetPage(<CapacityPage refreshIntervalMs={500} />, {
      api,
    });

    await waitFor(() => expect(figureIn('Allocated')).toBe('Allocated43'));
    current = changed;
    await waitFor(() => expect(figureIn('Allocated')).toBe('Allocated15'));
    expect(matrixCell('Amazon EKS', 'H100')).toHaveTextContent(
      'Total 16Allocated 15Free 1',
    );
  });

  it('says so when no GPUs are reported, and when filters match none', async () => {
    const api = capacityApi(emptyCapacity);
    const { unmount } = await renderGpuFleetPage(<CapacityPage />, { api });
    expect(await screen.findByText('No GPUs reported yet')).toBeInTheDocument();
    unmount();

    await renderGpuFleetPage(<CapacityPage />, {
      api,
      url: '/?gpuType=MI300X',
    });
    expect(
      await screen.findByText('No GPUs match these filters'),
    ).toBeInTheDocument();
  });

  it("shows the server's message when capacity cannot be loaded", async () => {
    const api = capacityApi();
    const error = await apiError(
      400,
      'InputError',
      'groupBy: must be a comma-separated list of provider, gpuType',
    );
    api.getCapacity.mockRejectedValue(error);
    await renderGpuFleetPage(<CapacityPage />, { api });
    expect(
      await screen.findByText(
        /Could not load GPU capacity: groupBy: must be a comma-separated list/,
      ),
    ).toBeInTheDocument();
  });
});
