import { screen } from '@testing-library/react';
import { Route, Routes } from 'react-router-dom';
import {
  aDeployment,
  deploymentRevisions,
} from '../__testUtils__/deploymentFixtures';
import {
  aCluster,
  aNamespaceState,
  aWorkspace,
  byProviderCapacity,
  eksAudit,
  eksInventory,
  eksPrerequisites,
  fleetClusters,
} from '../__testUtils__/fixtures';
import { mockGpuFleetApi } from '../__testUtils__/mockGpuFleetApi';
import { renderGpuFleetPage } from '../__testUtils__/renderGpuFleetPage';
import { Router } from './Router';

// Mounted the way the app's FlatRoutes mounts GpuFleetPage.
const app = (
  <Routes>
    <Route path="/gpu-fleet/*" element={<Router />} />
  </Routes>
);

function fleetApi() {
  return mockGpuFleetApi({
    listClusters: jest.fn(async () => fleetClusters),
    getCapacity: jest.fn(async () => byProviderCapacity),
    getCluster: jest.fn(async (name: string) =>
      aCluster({ name, displayName: `Cluster ${name}` }),
    ),
    getPrerequisites: jest.fn(async () => eksPrerequisites),
    getClusterInventory: jest.fn(async () => eksInventory),
    getAudit: jest.fn(async () => eksAudit),
    listWorkspaces: jest.fn(async () => [aWorkspace()]),
    getWorkspace: jest.fn(async (name: string) =>
      aWorkspace({ name, displayName: `Workspace ${name}` }),
    ),
    getWorkspaceNamespace: jest.fn(async () => aNamespaceState()),
    listDeployments: jest.fn(async () => [aDeployment()]),
    getDeployment: jest.fn(async (workspace: string, name: string) =>
      aDeployment({ workspace, name }),
    ),
    listDeploymentRevisions: jest.fn(async () => deploymentRevisions),
  });
}

describe('GPU Fleet routes', () => {
  it.each([
    ['/gpu-fleet/nonsense'],
    ['/gpu-fleet/capacity/nonsense'],
    ['/gpu-fleet/clusters/eks-p5/nonsense'],
    ['/gpu-fleet/attach/nonsense'],
    ['/gpu-fleet/workspaces/ml-training/nonsense'],
    ['/gpu-fleet/deployments/new/nonsense'],
    ['/gpu-fleet/workspaces/ml-training/deployments'],
    ['/gpu-fleet/workspaces/ml-training/deployments/llama/nonsense'],
    ['/gpu-fleet/workspaces/ml-training/deployments/llama/edit/nonsense'],
  ])('answers %s with the not-found page, not the overview', async url => {
    const api = fleetApi();
    await renderGpuFleetPage(app, { api, url });
    expect(
      await screen.findByRole('heading', { name: 'Page not found' }),
    ).toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: 'GPU Fleet' })).toBeNull();
    expect(api.listClusters).not.toHaveBeenCalled();
    expect(api.getCluster).not.toHaveBeenCalled();
    expect(api.getWorkspace).not.toHaveBeenCalled();
    expect(api.getDeployment).not.toHaveBeenCalled();
  });

  it.each([
    ['/gpu-fleet', 'GPU Fleet'],
    ['/gpu-fleet/capacity', 'GPU capacity'],
    ['/gpu-fleet/clusters', 'Clusters'],
    ['/gpu-fleet/attach', 'Attach a cluster'],
    ['/gpu-fleet/clusters/eks-p5', 'Cluster eks-p5'],
    ['/gpu-fleet/workspaces', 'Workspaces'],
    ['/gpu-fleet/workspaces/ml-training', 'Workspace ml-training'],
    ['/gpu-fleet/deployments', 'Deployments'],
    ['/gpu-fleet/deployments/new', 'New deployment'],
    ['/gpu-fleet/workspaces/ml-training/deployments/llama', 'llama'],
    ['/gpu-fleet/workspaces/ml-training/deployments/llama/edit', 'Edit llama'],
  ])('shows %s as the %j page', async (url, title) => {
    const api = fleetApi();
    await renderGpuFleetPage(app, { api, url });
    expect(
      await screen.findByRole('heading', { name: title, level: 1 }),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('heading', { name: 'Page not found' }),
    ).toBeNull();
  });

  it('reads the deployment named in the URL', async () => {
    const api = fleetApi();
    await renderGpuFleetPage(app, {
      api,
      url: '/gpu-fleet/workspaces/ml-training/deployments/new',
    });
    expect(
      await screen.findByRole('heading', { name: 'new', level: 1 }),
    ).toBeInTheDocument();
    expect(api.getDeployment).toHaveBeenCalledWith('ml-training', 'new');
  });

  it('gives a cluster named "attach" its own page; the wizard lives elsewhere', async () => {
    const api = fleetApi();
    await renderGpuFleetPage(app, { api, url: '/gpu-fleet/clusters/attach' });
    expect(
      await screen.findByRole('heading', { name: 'Cluster attach', level: 1 }),
    ).toBeInTheDocument();
    expect(api.getCluster).toHaveBeenCalledWith('attach');
    expect(screen.queryByText(/Step 1 of 4/)).toBeNull();
  });
});
