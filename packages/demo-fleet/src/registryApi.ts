import type {
  AttachClusterResponse,
  Cluster,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import type { DemoCluster } from './demoClusters';

/** The few registry calls the demo makes, as any API client would. */
export class RegistryApi {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  async getCluster(name: string): Promise<Cluster | undefined> {
    const response = await this.call('GET', `/clusters/${name}`);
    if (response.status === 404) return undefined;
    return (await this.json(response, `get ${name}`)) as Cluster;
  }

  /** Attaches with the given add-ons, or the provider's defaults when none are given. */
  async attach(cluster: DemoCluster, addons?: string[]): Promise<string> {
    const response = await this.call('POST', '/clusters', {
      name: cluster.name,
      provider: cluster.provider,
      displayName: cluster.displayName,
      region: cluster.region,
      description: cluster.description,
      labels: { 'gpu-fleet.io/demo': 'true' },
      ...(addons ? { addons } : {}),
    });
    const body = (await this.json(
      response,
      `attach ${cluster.name}`,
    )) as AttachClusterResponse;
    return body.token;
  }

  /** Creates the workspace, or brings an existing one (and its namespace) back to this. */
  async ensureWorkspace(
    workspace: { name: string; cluster: string } & Record<string, unknown>,
  ): Promise<void> {
    const existing = await this.call('GET', `/workspaces/${workspace.name}`);
    if (existing.status === 404) {
      await this.json(
        await this.call('POST', '/workspaces', workspace),
        `create workspace ${workspace.name}`,
      );
      return;
    }
    await this.json(existing, `read workspace ${workspace.name}`);
    // A fresh simulator has no namespace: updating the settings re-applies it.
    const { name, cluster, namespace, ...settings } = workspace;
    await this.json(
      await this.call('PATCH', `/workspaces/${name}`, {
        allowPrivileged: false,
        gpuQuota: [],
        ...settings,
      }),
      `update workspace ${name}`,
    );
  }

  async setAddons(name: string, addons: string[]): Promise<void> {
    await this.json(
      await this.call('PATCH', `/clusters/${name}`, { addons }),
      `set ${name}'s add-ons`,
    );
  }

  async rotateToken(name: string): Promise<string> {
    const response = await this.call('POST', `/clusters/${name}/token/rotate`);
    const body = (await this.json(response, `rotate ${name}'s token`)) as {
      token: string;
    };
    return body.token;
  }

  private call(method: string, path: string, body?: unknown) {
    return fetch(`${this.baseUrl}/api/gpu-fleet${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
  }

  private async json(response: Response, what: string): Promise<unknown> {
    const text = await response.text();
    if (!response.ok) {
      throw new Error(
        `could not ${what}: HTTP ${response.status} ${text.slice(0, 500)}`,
      );
    }
    return JSON.parse(text);
  }
}
