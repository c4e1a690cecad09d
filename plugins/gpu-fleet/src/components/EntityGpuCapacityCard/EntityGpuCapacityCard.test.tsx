import { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { screen, within } from '@testing-library/react';
import type { CapacityResponse } from '@gpu-fleet/plugin-gpu-fleet-common';
import { aCluster, row } from '../../__testUtils__/fixtures';
import { apiError, mockGpuFleetApi } from '../../__testUtils__/mockGpuFleetApi';
import { renderGpuFleetPage } from '../../__testUtils__/renderGpuFleetPage';
import {
  EntityGpuCapacityCard,
  isGpuFleetCluster,
} from './EntityGpuCapacityCard';

/** A cluster Resource as GPU Fleet's catalog provider emits it. */
function clusterResource(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      namespace: 'gpu-fleet-clusters',
      name: 'eks-p5',
      annotations,
    },
    spec: { type: 'kubernetes-cluster', owner: 'group:default/ml-platform' },
  };
}

const eksCapacity: CapacityResponse = {
  groupBy: ['gpuType'],
  rows: [row({ gpuType: 'H100' }, 16, 12), row({ gpuType: 'A100-80GB' }, 8, 2)],
  totals: {
    total: 24,
    allocated: 14,
    free: 10,
    unavailable: 0,
    nodes: 3,
    clusters: 1,
    allocatedCostPerHour: 35,
    idleCostPerHour: 25,
  },
  currency: 'USD',
  generatedAt: '2026-11-23T10:00:00.000Z',
};

const figure = (card: HTMLElement, label: string) =>
  within(card).getByRole('group', { name: label }).textContent;

function renderCard(entity: Entity, api: ReturnType<typeof mockGpuFleetApi>) {
  return renderGpuFleetPage(
    <EntityProvider entity={entity}>
      <EntityGpuCapacityCard />
    </EntityProvider>,
    { api, url: '/catalog/gpu-fleet-clusters/resource/eks-p5' },
  );
}

describe('EntityGpuCapacityCard', () => {
  it('shows the named cluster’s GPUs per type, its status, and a link to its page', async () => {
    const api = mockGpuFleetApi({
      getCapacity: jest.fn(async () => eksCapacity),
      getCluster: jest.fn(async () => aCluster()),
    });
    await renderCard(
      clusterResource({ 'gpu-fleet.io/cluster': 'eks-p5' }),
      api,
    );

    const card = (await screen.findByText('GPU capacity')).closest(
      '[class*="MuiCard-root"]',
    ) as HTMLElement;
    expect(await within(card).findByText('Connected')).toBeInTheDocument();
    expect(figure(card, 'Total')).toBe('Total24');
    expect(figure(card, 'Allocated')).toBe('Allocated14');
    expect(figure(card, 'Free')).toBe('Free10');
    expect(
      within(card).getByRole('img', {
        name: 'H100: 12 allocated, 4 free of 16 GPUs',
      }),
    ).toBeInTheDocument();
    expect(
      within(card).getByRole('img', {
        name: 'A100-80GB: 2 allocated, 6 free of 8 GPUs',
      }),
    ).toBeInTheDocument();
    expect(
      within(card).getByText(/Cost per hour: allocated/),
    ).toHaveTextContent(/\$35.*\$25/);
    expect(
      within(card).getByRole('link', { name: /Open in GPU Fleet/ }),
    ).toHaveAttribute('href', '/gpu-fleet/clusters/eks-p5');
    // Only the cluster the entity names is asked for.
    expect(api.getCapacity).toHaveBeenCalledWith(['gpuType'], {
      cluster: 'eks-p5',
    });
  });

  it('says so when the agent reports no GPUs', async () => {
    const api = mockGpuFleetApi({
      getCapacity: jest.fn(async () => ({
        ...eksCapacity,
        rows: [],
        totals: { ...eksCapacity.totals, total: 0, allocated: 0, free: 0 },
      })),
      getCluster: jest.fn(async () => aCluster({ status: 'pending' })),
    });
    await renderCard(
      clusterResource({ 'gpu-fleet.io/cluster': 'eks-p5' }),
      api,
    );
    expect(
      await screen.findByText("The cluster's agent reports no GPUs."),
    ).toBeInTheDocument();
    expect(
      await screen.findByText('Pending: agent not connected yet'),
    ).toBeInTheDocument();
  });

  it('shows the server’s reason when the capacity cannot be read', async () => {
    const error = await apiError(
      404,
      'NotFoundError',
      "no cluster named 'eks-p5'",
    );
    const api = mockGpuFleetApi({
      getCapacity: jest.fn(async () => {
        throw error;
      }),
      getCluster: jest.fn(async () => {
        throw error;
      }),
    });
    await renderCard(
      clusterResource({ 'gpu-fleet.io/cluster': 'eks-p5' }),
      api,
    );
    expect(
      await screen.findByText(
        "Error: Could not load the GPU capacity of eks-p5: no cluster named 'eks-p5'",
      ),
    ).toBeInTheDocument();
  });

  it('names the missing annotation on an entity that names no cluster, and asks nothing', async () => {
    const api = mockGpuFleetApi();
    await renderCard(clusterResource({}), api);
    expect(await screen.findByText('gpu-fleet.io/cluster')).toBeInTheDocument();
    expect(api.getCapacity).not.toHaveBeenCalled();
  });

  it('is meant for GPU Fleet’s cluster Resources only', () => {
    const cluster = clusterResource({ 'gpu-fleet.io/cluster': 'eks-p5' });
    expect(isGpuFleetCluster(cluster)).toBe(true);
    expect(
      isGpuFleetCluster({
        ...cluster,
        spec: { ...cluster.spec, type: 'gpu-fleet-workspace' },
      }),
    ).toBe(false);
    expect(isGpuFleetCluster(clusterResource({}))).toBe(false);
  });
});
