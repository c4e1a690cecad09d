import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  ScmIntegrationsApi,
  scmIntegrationsApiRef,
} from '@backstage/integration-react';
import { catalogPlugin } from '@backstage/plugin-catalog';
import { catalogGraphPlugin } from '@backstage/plugin-catalog-graph';
import {
  catalogApiRef,
  defaultEntityPresentation,
  entityPresentationApiRef,
  EntityProvider,
  entityRouteRef,
  MockStarredEntitiesApi,
  starredEntitiesApiRef,
} from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { gpuFleetApiRef, gpuFleetPlugin } from '@gpu-fleet/plugin-gpu-fleet';
import type {
  CapacityResponse,
  Cluster,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { screen, within } from '@testing-library/react';
import { entityPage } from './EntityPage';

const capacity: CapacityResponse = {
  groupBy: ['gpuType'],
  rows: [
    {
      key: { gpuType: 'H100' },
      total: 16,
      allocated: 4,
      free: 12,
      unavailable: 0,
      nodes: 2,
      clusters: 1,
      allocatedCostPerHour: 12,
      idleCostPerHour: 36,
    },
  ],
  totals: {
    total: 16,
    allocated: 4,
    free: 12,
    unavailable: 0,
    nodes: 2,
    clusters: 1,
    allocatedCostPerHour: 12,
    idleCostPerHour: 36,
  },
  currency: 'USD',
  generatedAt: '2026-12-02T10:00:00.000Z',
};

function resource(
  name: string,
  type: string,
  annotations: Record<string, string>,
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: { namespace: 'gpu-fleet-clusters', name, annotations },
    spec: { type, owner: 'group:default/ml-platform' },
  };
}

/** The catalog holding only this entity, for the cards that look others up. */
function catalogApi(entity: Entity) {
  return {
    getEntities: async () => ({ items: [entity] }),
    getEntitiesByRefs: async ({ entityRefs }: { entityRefs: string[] }) => ({
      items: entityRefs.map(() => undefined),
    }),
    queryEntities: async () => ({
      items: [entity],
      totalItems: 1,
      pageInfo: {},
    }),
    getEntityByRef: async () => entity,
    getEntityAncestors: async () => ({
      rootEntityRef: stringifyEntityRef(entity),
      items: [{ entity, parentEntityRefs: [] }],
    }),
    getEntityFacets: async () => ({ facets: {} }),
  };
}

/** Names entities as the catalog does when it knows nothing more. */
const entityPresentationApi = {
  forEntity: (entityOrRef: Entity | string) => {
    const snapshot = defaultEntityPresentation(entityOrRef);
    return { snapshot, promise: Promise.resolve(snapshot) };
  },
};

async function renderEntityPage(entity: Entity) {
  const gpuFleetApi = {
    getCapacity: jest.fn(async () => capacity),
    getCluster: jest.fn(
      async (): Promise<Cluster> => ({
        name: 'eks-p5',
        displayName: 'eks-p5',
        provider: 'eks',
        region: 'us-east-1',
        description: null,
        labels: {},
        addons: [],
        status: 'connected',
        agentVersion: '0.1.0',
        kubernetesVersion: 'v1.30.4',
        lastSeenAt: '2026-12-02T10:00:00.000Z',
        createdBy: 'user:default/alice',
        createdAt: '2026-12-01T10:00:00.000Z',
        updatedAt: '2026-12-02T10:00:00.000Z',
        detachedAt: null,
      }),
    ),
  };
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [catalogApiRef, catalogApi(entity)],
        [starredEntitiesApiRef, new MockStarredEntitiesApi()],
        [entityPresentationApiRef, entityPresentationApi],
        [
          scmIntegrationsApiRef,
          ScmIntegrationsApi.fromConfig(mockApis.config()),
        ],
        [permissionApiRef, mockApis.permission()],
        [gpuFleetApiRef, gpuFleetApi],
      ]}
    >
      <EntityProvider entity={entity}>{entityPage}</EntityProvider>
    </TestApiProvider>,
    {
      mountedRoutes: {
        '/catalog': catalogPlugin.routes.catalogIndex,
        '/catalog-graph': catalogGraphPlugin.routes.catalogGraph,
        '/catalog/:namespace/:kind/:name': entityRouteRef,
        '/gpu-fleet': gpuFleetPlugin.routes.fleet,
      },
    },
  );
  return gpuFleetApi;
}

describe('the entity page', () => {
  it('shows a GPU Fleet cluster Resource with its GPU capacity', async () => {
    const api = await renderEntityPage(
      resource('eks-p5', 'kubernetes-cluster', {
        'gpu-fleet.io/cluster': 'eks-p5',
      }),
    );
    const title = await screen.findByText('GPU capacity');
    const card = title.closest('[class*="MuiCard-root"]') as HTMLElement;
    expect(
      await within(card).findByRole('img', {
        name: 'H100: 4 allocated, 12 free of 16 GPUs',
      }),
    ).toBeInTheDocument();
    expect(api.getCapacity).toHaveBeenCalledWith(['gpuType'], {
      cluster: 'eks-p5',
    });
  });

  it('shows no capacity card on another Resource', async () => {
    const api = await renderEntityPage(
      resource('ml-inference', 'gpu-fleet-workspace', {
        'gpu-fleet.io/cluster': 'eks-p5',
        'gpu-fleet.io/workspace': 'ml-inference',
      }),
    );
    expect(await screen.findByText('About')).toBeInTheDocument();
    expect(screen.queryByText('GPU capacity')).not.toBeInTheDocument();
    expect(api.getCapacity).not.toHaveBeenCalled();
  });
});
