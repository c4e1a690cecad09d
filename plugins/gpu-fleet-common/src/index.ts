/**
 * GPU Fleet's shared vocabulary: types, permissions, schemas, provider
 * profiles, add-ons and prerequisite checks.
 *
 * @packageDocumentation
 */
export * from './addons';
export * from './agentInstall';
export * from './catalogAnnotations';
export * from './demoCluster';
export * from './permissions';
export * from './prerequisites';
export * from './providers';
export * from './schemas';
export * from './types';
export * from './tunnel/frames';
export * from './tunnel/tunnelRequests';
export * from './inventory/types';
export * from './inventory/schema';
export * from './labels';
export * from './workspaces';
export * from './deployments';
export * from './kubernetesAuthProvider';
