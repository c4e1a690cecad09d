import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  catalog?: {
    providers?: {
      /**
       * GPU Fleet's entity provider: one Resource per attached cluster and
       * per workspace, one Component per deployment. Changes arrive as
       * events at once; the full read on this schedule catches up on what
       * events cannot carry (GPU counts) and on events that were missed.
       */
      gpuFleet?: {
        /**
         * When the provider reads the whole fleet again. Default: every 10
         * minutes, with a 5 minute timeout, first 15 seconds after start.
         */
        schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
        /**
         * Where the GPU Fleet pages are mounted in the app, for the links
         * on entities. Default: app.baseUrl followed by /gpu-fleet.
         */
        portalUrl?: string;
        /**
         * Owner of the cluster Resources (a full entity ref, e.g.
         * group:default/ml-platform), and of workspaces that have no admin.
         * Default: the first of gpuFleet.admins, else whoever attached the
         * cluster.
         */
        clusterOwner?: string;
      };
    };
  };
}
