export * from './WorkspaceClaimsResolver';
