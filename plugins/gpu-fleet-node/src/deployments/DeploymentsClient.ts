import {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import {
  DeploymentManifestInput,
  DeploymentPreview,
  DeploymentView,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { deploymentsApiError } from './deploymentsApiError';

/** Names one deployment. */
export interface DeploymentKey {
  workspace: string;
  name: string;
}

/**
 * Deployments, for backend modules of other plugins. Every call runs as the
 * credentials it is given, so the caller's workspace rights decide, exactly
 * as for the same person in the portal.
 */
export interface DeploymentsService {
  list(options: {
    credentials: BackstageCredentials;
    workspace?: string;
    cluster?: string;
  }): Promise<DeploymentView[]>;
  get(
    key: DeploymentKey,
    options: { credentials: BackstageCredentials },
  ): Promise<DeploymentView | undefined>;
  /** Renders without committing anything; the unmet requirements are listed, not refused. */
  preview(
    manifest: DeploymentManifestInput,
    options: { credentials: BackstageCredentials },
  ): Promise<DeploymentPreview>;
  /** Commits revision 1 and delivers it. */
  create(
    manifest: DeploymentManifestInput,
    options: { credentials: BackstageCredentials },
  ): Promise<DeploymentView>;
  /** Commits the next revision and delivers it. */
  update(
    manifest: DeploymentManifestInput,
    options: { credentials: BackstageCredentials },
  ): Promise<DeploymentView>;
}

/** Calls the deployments REST API on behalf of the credentials given. */
export class DeploymentsClient implements DeploymentsService {
  constructor(
    private readonly deps: { discovery: DiscoveryService; auth: AuthService },
  ) {}

  async list(options: {
    credentials: BackstageCredentials;
    workspace?: string;
    cluster?: string;
  }): Promise<DeploymentView[]> {
    const query = new URLSearchParams();
    if (options.workspace) query.set('workspace', options.workspace);
    if (options.cluster) query.set('cluster', options.cluster);
    const body = await this.request(
      options.credentials,
      `/deployments?${query}`,
    );
    return body.items;
  }

  async get(
    key: DeploymentKey,
    options: { credentials: BackstageCredentials },
  ) {
    const response = await this.send(options.credentials, pathOf(key));
    if (response.status === 404) return undefined;
    if (!response.ok) throw await deploymentsApiError(response);
    return (await bodyOf(response)) as DeploymentView;
  }

  async preview(
    manifest: DeploymentManifestInput,
    options: { credentials: BackstageCredentials },
  ): Promise<DeploymentPreview> {
    return this.request(options.credentials, '/deployments/preview', {
      method: 'POST',
      body: manifest,
    });
  }

  async create(
    manifest: DeploymentManifestInput,
    options: { credentials: BackstageCredentials },
  ): Promise<DeploymentView> {
    return this.request(options.credentials, '/deployments', {
      method: 'POST',
      body: manifest,
    });
  }

  async update(
    manifest: DeploymentManifestInput,
    options: { credentials: BackstageCredentials },
  ): Promise<DeploymentView> {
    return this.request(options.credentials, pathOf(manifest), {
      method: 'PUT',
      body: manifest,
    });
  }

  private async request(
    credentials: BackstageCredentials,
    path: string,
    init?: { method: string; body: unknown },
  ) {
    const response = await this.send(credentials, path, init);
    if (!response.ok) throw await deploymentsApiError(response);
    return bodyOf(response);
  }

  private async send(
    credentials: BackstageCredentials,
    path: string,
    init?: { method: string; body: unknown },
  ) {
    const baseUrl = await this.deps.discovery.getBaseUrl('gpu-fleet');
    const { token } = await this.deps.auth.getPluginRequestToken({
      onBehalfOf: credentials,
      targetPluginId: 'gpu-fleet',
    });
    return fetch(`${baseUrl}${path}`, {
      method: init?.method ?? 'GET',
      headers: {
        Authorization: `Bearer ${token}`,
        ...(init ? { 'Content-Type': 'application/json' } : {}),
      },
      body: init ? JSON.stringify(init.body) : undefined,
    });
  }
}

// Parsed here rather than by fetch, so the objects belong to the caller's
// realm: the scaffolder's templating takes only plain objects of its own.
async function bodyOf(response: Response) {
  return JSON.parse(await response.text());
}

function pathOf(key: DeploymentKey) {
  return `/workspaces/${encodeURIComponent(
    key.workspace,
  )}/deployments/${encodeURIComponent(key.name)}`;
}
