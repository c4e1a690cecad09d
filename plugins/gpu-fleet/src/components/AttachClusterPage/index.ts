export { AttachClusterPage } from './AttachClusterPage';
