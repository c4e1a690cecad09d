export { workspacesServiceRef } from './workspacesServiceRef';
export { WorkspacesClient } from './WorkspacesClient';
export type { WorkspacesService } from './WorkspacesClient';
