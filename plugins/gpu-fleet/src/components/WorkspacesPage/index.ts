export { WorkspaceListPage } from './WorkspaceListPage';
