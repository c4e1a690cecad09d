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
import { GpuFleetApiRequests } from '../GpuFleetApiRequests';

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
  private readonly api: GpuFleetApiRequests;

  constructor(deps: { discovery: DiscoveryService; auth: AuthService }) {
    this.api = new GpuFleetApiRequests(deps);
  }

  async list(options: {
    credentials: BackstageCredentials;
    workspace?: string;
    cluster?: string;
  }): Promise<DeploymentView[]> {
    const query = new URLSearchParams();
    if (options.workspace) query.set('workspace', options.workspace);
    if (options.cluster) query.set('cluster', options.cluster);
    const body = await this.api.json<{ items: DeploymentView[] }>(
      `/deployments?${query}`,
      { credentials: options.credentials },
    );
    return body!.items;
  }

  async get(
    key: DeploymentKey,
    options: { credentials: BackstageCredentials },
  ): Promise<DeploymentView | undefined> {
    return this.api.json(pathOf(key), {
      credentials: options.credentials,
      allowNotFound: true,
    });
  }

  async preview(
    manifest: DeploymentManifestInput,
    options: { credentials: BackstageCredentials },
  ): Promise<DeploymentPreview> {
    return (await this.api.json<DeploymentPreview>('/deployments/preview', {
      credentials: options.credentials,
      method: 'POST',
      body: manifest,
    }))!;
  }

  async create(
    manifest: DeploymentManifestInput,
    options: { credentials: BackstageCredentials },
  ): Promise<DeploymentView> {
    return (await this.api.json<DeploymentView>('/deployments', {
      credentials: options.credentials,
      method: 'POST',
      body: manifest,
    }))!;
  }

  async update(
    manifest: DeploymentManifestInput,
    options: { credentials: BackstageCredentials },
  ): Promise<DeploymentView> {
    return (await this.api.json<DeploymentView>(pathOf(manifest), {
      credentials: options.credentials,
      method: 'PUT',
      body: manifest,
    }))!;
  }
}

function pathOf(key: DeploymentKey) {
  return `/workspaces/${encodeURIComponent(
    key.workspace,
  )}/deployments/${encodeURIComponent(key.name)}`;
}
