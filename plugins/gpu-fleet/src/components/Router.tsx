import { useApp } from '@backstage/core-plugin-api';
import { Route, Routes } from 'react-router-dom';
import { AttachClusterPage } from './AttachClusterPage';
import { CapacityPage } from './CapacityPage';
import { ClusterPage } from './ClusterPage';
import { ClusterListPage } from './ClustersPage';
import { DeploymentPage } from './DeploymentPage';
import { DeploymentListPage } from './DeploymentsPage';
import { EditDeploymentPage } from './EditDeploymentPage';
import { FleetOverviewPage } from './FleetOverviewPage';
import { NewDeploymentPage } from './NewDeploymentPage';
import { WorkspacePage } from './WorkspacePage';
import { WorkspaceListPage } from './WorkspacesPage';

/**
 * Every GPU Fleet page beneath the app's mount point. The app matches
 * /gpu-fleet/* here, so anything not listed gets the app's not-found page
 * instead of falling through to the overview.
 */
export const Router = () => {
  const { NotFoundErrorPage } = useApp().getComponents();
  return (
    <Routes>
      <Route path="/" element={<FleetOverviewPage />} />
      <Route path="/capacity" element={<CapacityPage />} />
      <Route path="/clusters" element={<ClusterListPage />} />
      <Route path="/clusters/:name" element={<ClusterPage />} />
      <Route path="/attach" element={<AttachClusterPage />} />
      <Route path="/workspaces" element={<WorkspaceListPage />} />
      <Route path="/workspaces/:name" element={<WorkspacePage />} />
      <Route path="/deployments" element={<DeploymentListPage />} />
      <Route path="/deployments/new" element={<NewDeploymentPage />} />
      <Route
        path="/workspaces/:workspace/deployments/:name"
        element={<DeploymentPage />}
      />
      <Route
        path="/workspaces/:workspace/deployments/:name/edit"
        element={<EditDeploymentPage />}
      />
      <Route path="*" element={<NotFoundErrorPage />} />
    </Routes>
  );
};
