import {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  ClusterDetails,
  KubernetesClustersSupplier,
} from '@backstage/plugin-kubernetes-node';
import { AttachedClusters } from './AttachedClusters';
import { registryClusterDetails } from './registryClusterDetails';

/**
 * The Kubernetes backend's clusters: those its default supplier finds
 * (app-config and its other locators), then GPU Fleet's registry clusters,
 * each carrying a token minted on this call for this caller. A name both
 * know stays the configured cluster: what an operator wrote in app-config is
 * not silently redirected by attaching a cluster of that name.
 */
export class GpuFleetClustersSupplier implements KubernetesClustersSupplier {
  private readonly shadowed = new Set<string>();

  constructor(
    private readonly deps: {
      configured: KubernetesClustersSupplier;
      attached: Pick<AttachedClusters, 'list'>;
      auth: AuthService;
      discovery: DiscoveryService;
      logger: LoggerService;
    },
  ) {}

  async getClusters(options: {
    credentials: BackstageCredentials;
  }): Promise<ClusterDetails[]> {
    const { credentials } = options;
    const configured = await this.deps.configured.getClusters(options);
    // Registry clusters are reached only as a signed-in user. A service's
    // token would reach GPU Fleet as this plugin, not as whoever called it,
    // and GPU Fleet lets plugins do anything.
    if (!this.deps.auth.isPrincipal(credentials, 'user')) return configured;

    const taken = new Set(configured.map(c => c.name));
    const attached = (await this.deps.attached.list()).filter(cluster => {
      if (!taken.has(cluster.name)) return true;
      this.warnShadowed(cluster.name);
      return false;
    });
    if (attached.length === 0) return configured;

    const [baseUrl, { token }] = await Promise.all([
      this.deps.discovery.getBaseUrl('gpu-fleet'),
      this.deps.auth.getPluginRequestToken({
        onBehalfOf: credentials,
        targetPluginId: 'gpu-fleet',
      }),
    ]);
    return [
      ...configured,
      ...attached.map(cluster =>
        registryClusterDetails(cluster, baseUrl, token),
      ),
    ];
  }

  private warnShadowed(name: string) {
    if (this.shadowed.has(name)) return;
    this.shadowed.add(name);
    this.deps.logger.warn(
      `GPU Fleet cluster '${name}' is not offered to the Kubernetes plugin: app-config already has a cluster of that name, which wins`,
    );
  }
}
