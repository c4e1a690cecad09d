export interface Config {
  gpuFleet?: {
    /**
     * Fleet admins: users and groups (full entity refs, e.g.
     * `group:default/ml-platform`) who attach, detach and rotate clusters,
     * create workspaces and reach every namespace through the proxy. Nested
     * groups count: members of a child group of a listed group are admins.
     */
    admins?: string[];
  };
}
