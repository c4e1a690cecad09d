export { ClusterListPage } from './ClusterListPage';
