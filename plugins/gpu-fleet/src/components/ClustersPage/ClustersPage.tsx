import { Route, Routes } from 'react-router-dom';
import { ClusterPage } from '../ClusterPage';
import { ClusterListPage } from './ClusterListPage';

/** /gpu-fleet/clusters and /gpu-fleet/clusters/:name. */
export const ClustersPage = () => (
  <Routes>
    <Route path="/" element={<ClusterListPage />} />
    <Route path="/:name" element={<ClusterPage />} />
  </Routes>
);
