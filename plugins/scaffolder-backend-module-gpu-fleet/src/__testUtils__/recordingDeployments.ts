import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import {
  DeploymentManifest,
  DeploymentManifestInput,
  DeploymentView,
  deploymentManifestSchema,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import {
  DeploymentKey,
  DeploymentsService,
} from '@gpu-fleet/plugin-gpu-fleet-node';

/**
 * Deployments kept in memory, recording every call and who made it, for
 * tests of the actions' own logic (the backend is exercised end to end in
 * templateRuns.test.ts).
 */
export class RecordingDeployments implements DeploymentsService {
  readonly calls: Array<{ call: string; principal: unknown }> = [];
  readonly views = new Map<string, DeploymentView>();
  /** Views `get` answers in turn for a key before settling on the stored one. */
  readonly script = new Map<string, Array<Partial<DeploymentView>>>();

  private record(call: string, credentials: BackstageCredentials) {
    this.calls.push({ call, principal: credentials.principal });
  }

  async list(options: { credentials: BackstageCredentials }) {
    this.record('list', options.credentials);
    return [...this.views.values()];
  }

  async get(
    key: DeploymentKey,
    options: { credentials: BackstageCredentials },
  ) {
    this.record(`get ${key.workspace}/${key.name}`, options.credentials);
    const id = `${key.workspace}/${key.name}`;
    const stored = this.views.get(id);
    const next = this.script.get(id)?.shift();
    if (!stored) return undefined;
    return next ? { ...stored, ...next } : stored;
  }

  async preview(
    input: DeploymentManifestInput,
    options: { credentials: BackstageCredentials },
  ) {
    this.record('preview', options.credentials);
    const m = deploymentManifestSchema.parse(input);
    return {
      cluster: 'eks-p5',
      namespace: m.workspace,
      path: `eks-p5/${m.workspace}/${m.name}`,
      objects: [],
      files: { [`01-deployment-${m.name}.yaml`]: `kind: Deployment\n` },
      unmet: [],
    };
  }

  async create(
    input: DeploymentManifestInput,
    options: { credentials: BackstageCredentials },
  ) {
    this.record('create', options.credentials);
    return this.store(deploymentManifestSchema.parse(input), 1);
  }

  async update(
    input: DeploymentManifestInput,
    options: { credentials: BackstageCredentials },
  ) {
    const m = deploymentManifestSchema.parse(input);
    this.record('update', options.credentials);
    const existing = this.views.get(`${m.workspace}/${m.name}`);
    if (!existing) throw new NotFoundError(`${m.workspace}/${m.name}`);
    return this.store(m, existing.revision + 1);
  }

  private store(manifest: DeploymentManifest, revision: number) {
    const now = new Date().toISOString();
    const view: DeploymentView = {
      uid: 'u1',
      workspace: manifest.workspace,
      name: manifest.name,
      kind: manifest.kind,
      template: manifest.template,
      cluster: 'eks-p5',
      namespace: manifest.workspace,
      manifest,
      revision,
      appliedRevision: revision,
      appliedCommit: `c0ffee${revision}`,
      delivery: { state: 'applied', error: null, attempts: 1, updatedAt: now },
      createdBy: 'user:default/bob',
      createdAt: now,
      updatedBy: 'user:default/bob',
      updatedAt: now,
      status: null,
      access: { update: true, delete: true },
    };
    this.views.set(`${manifest.workspace}/${manifest.name}`, view);
    return view;
  }
}
