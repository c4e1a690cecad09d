/** Pages of the GPU Fleet frontend plugin (plugins/gpu-fleet/src/routes.ts), under its mount point. */
export class PortalLinks {
  constructor(private readonly portalUrl: string) {}

  cluster(name: string): string {
    return `${this.portalUrl}/clusters/${encodeURIComponent(name)}`;
  }

  workspace(name: string): string {
    return `${this.portalUrl}/workspaces/${encodeURIComponent(name)}`;
  }

  deployment(workspace: string, name: string): string {
    return `${this.workspace(workspace)}/deployments/${encodeURIComponent(
      name,
    )}`;
  }
}
