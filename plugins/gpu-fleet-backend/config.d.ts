import { HumanDuration } from '@backstage/types';

export interface Config {
  gpuFleet?: {
    agent?: {
      /**
       * The URL agents dial (WebSocket). Defaults to backend.baseUrl with
       * ws(s):// and /api/gpu-fleet/agent/connect. Set it when agents reach
       * the control plane through another address.
       * @visibility frontend
       */
      controlPlaneUrl?: string;
      /**
       * Helm chart reference used in the generated install command.
       * @visibility frontend
       */
      chart?: string;
      /**
       * Agent image (repository:tag) written into the generated values.
       * @visibility frontend
       */
      image?: string;
    };
    gateway?: {
      /**
       * Where the other backend replicas reach this replica's gpu-fleet
       * routes, e.g. http://$(POD_IP):7007/api/gpu-fleet. Only needed with
       * several replicas: a request for a cluster whose agent is connected
       * to another replica is passed to it at this address. Defaults to the
       * plugin's base URL from discovery.
       */
      replicaUrl?: string;
    };
    proxy?: {
      /**
       * Largest request body the Kubernetes proxy passes to a cluster, in
       * bytes (default 16 MiB); larger ones get 413 naming this key. Bodies
       * stream through the tunnel as the agent takes them, so this bounds
       * the size of one object, not memory.
       */
      maxRequestBodyBytes?: number;
      /**
       * How long the proxy remembers that a caller's token was allowed
       * `gpu-fleet.cluster.proxy` (default 10 seconds), so kubectl's bursts
       * are not each checked with the permission backend. Denials are
       * never remembered, and no entry outlives its token. So a revoked
       * permission stops working within this time; 0 checks every request.
       */
      authorizationCacheTtl?: HumanDuration | string;
      /**
       * Where kubectl reaches the proxy. kubectl sends its token only to a
       * TLS server, so the kubeconfig route hands out an https address with
       * the CA to trust: this plugin's own TLS listener when `listen` is
       * set (local use), else the portal's external address, which must
       * then be https.
       */
      tls?: {
        /**
         * A TLS listener serving only the Kubernetes proxy, at the same
         * path as on the backend (/api/gpu-fleet/clusters/:name/proxy).
         * Its CA and server certificate are generated on first start in
         * `certificateDirectory` and reused. Unset (production): no
         * listener.
         */
        listen?: {
          /**
           * The name kubectl dials and the address the listener binds;
           * also in the certificate's names. Default localhost.
           */
          host?: string;
          /** The port; 0 picks a free one (tests). */
          port: number;
        };
        /**
         * Where the listener's CA and server certificate (and their keys)
         * are kept; required with `listen`. Delete it to get a new CA;
         * kubeconfigs handed out before then stop working.
         */
        certificateDirectory?: string;
        /**
         * Without `listen`: a PEM file with the CA that signed the portal's
         * HTTPS certificate, embedded in kubeconfigs as
         * certificate-authority-data. Unset: kubectl trusts the system's
         * CAs.
         */
        certificateAuthorityFile?: string;
      };
    };
    capacity?: {
      /**
       * Price per GPU-hour. The most specific entry matching a node's
       * provider, GPU type and capacity type wins (provider and capacity
       * type, then provider, then capacity type, then GPU type alone).
       */
      prices?: Array<{
        /** A provider id such as eks or coreweave; unset matches any. */
        provider?: string;
        /** A normalised GPU type such as H100. */
        gpuType: string;
        /** on-demand, spot, reserved or unknown; unset matches any. */
        capacityType?: string;
        perGpuHour: number;
      }>;
      /** Currency of the prices, shown with every cost. Default USD. */
      currency?: string;
      history?: {
        /** How often capacity is sampled for trends. Default one minute. */
        interval?: HumanDuration | string;
        /** How long samples are kept. Default 30 days. */
        retention?: HumanDuration | string;
      };
    };
    gitops?: {
      /**
       * The GitOps repository deployments are committed to: any Git URL the
       * backend can push to (credentials in the URL or git's own helpers),
       * or a local path, where a bare repository is created on first start.
       * Default: gpu-fleet/gitops.git in the machine's temporary directory.
       */
      url?: string;
      /** Branch commits go to. Default main. */
      branch?: string;
      /** Where the backend keeps its working clone. Default: the temporary directory. */
      workingDirectory?: string;
      /** The URL Argo CD on clusters with the argocd add-on reads; default url. */
      argoRepoUrl?: string;
    };
    demo?: {
      /**
       * The attach wizard's last step also shows `yarn demo:cluster`, which
       * starts a simulated cluster of the chosen provider whose agent
       * connects with the new token: for a portal run from this repository
       * (app-config.yaml), where a newcomer has no cluster at hand. Default
       * false; a portal that attaches real clusters leaves it off.
       */
      clusterCommand?: boolean;
    };
    clusterTokens?: {
      /**
       * How long a cluster token stays valid after it is issued or rotated;
       * unset means until rotated or revoked. A duration object such as
       * { days: 90 } or an ISO 8601 duration such as P90D.
       */
      lifetime?: HumanDuration | string;
    };
  };
}
