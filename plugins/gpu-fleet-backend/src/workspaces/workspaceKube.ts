import { Readable } from 'node:stream';
import { ConflictError, ServiceUnavailableError } from '@backstage/errors';
import {
  KubeObject,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { ClusterTunnels } from '../gateway/ClusterTunnels';
import { TunnelRequest, TunnelRequestError } from '../gateway/TunnelStream';

/** What the agent's chart must grant for workspaces; shown when it did not. */
export const WORKSPACE_RIGHTS_MESSAGE =
  "workspaces need the agent's workspace rights";

const FIELD_MANAGER = 'gpu-fleet';
const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

export interface KubeAnswer {
  status: number;
  body: any;
}

async function readJson(body: Readable): Promise<any> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > MAX_RESPONSE_BYTES) {
      body.destroy();
      throw new TunnelRequestError('the cluster answered with too much', 502);
    }
    chunks.push(Buffer.from(chunk));
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return { message: text.slice(0, 500) };
  }
}

/** The API path of an object; the kinds GPU Fleet applies all form their plural with an "s". */
export function pathOf(object: KubeObject): string {
  const { name, namespace } = object.metadata;
  const [group, version] = object.apiVersion.includes('/')
    ? object.apiVersion.split('/')
    : ['', object.apiVersion];
  const base = group ? `/apis/${group}/${version}` : `/api/${version}`;
  // The kinds a workspace applies all form their plural with an "s".
  const plural = `${object.kind.toLowerCase()}s`;
  const scope = namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${base}${scope}/${plural}/${encodeURIComponent(name)}`;
}

/**
 * The Kubernetes calls workspaces make through a cluster's tunnel, as the
 * agent. A refusal of the agent's own rights becomes the one message the
 * chart documents, never a half-made workspace with a raw 403.
 */
export class WorkspaceKube {
  constructor(private readonly tunnels: Pick<ClusterTunnels, 'request'>) {}

  async call(cluster: string, req: TunnelRequest): Promise<KubeAnswer> {
    let response;
    try {
      response = await this.tunnels.request(cluster, {
        timeoutMs: 30_000,
        ...req,
        headers: { accept: 'application/json', ...req.headers },
      });
    } catch (error) {
      if (error instanceof TunnelRequestError && error.status === 503) {
        throw new ServiceUnavailableError(
          `cluster '${cluster}' is not connected: nothing there can be changed until its agent is back`,
        );
      }
      throw error;
    }
    return { status: response.status, body: await readJson(response.body) };
  }

  /** Server-side apply, field manager gpu-fleet: the cluster converges on `object`. */
  async apply(cluster: string, object: KubeObject): Promise<any> {
    const answer = await this.call(cluster, {
      method: 'PATCH',
      path: `${pathOf(object)}?fieldManager=${FIELD_MANAGER}&force=true`,
      headers: { 'content-type': 'application/apply-patch+yaml' },
      body: Buffer.from(JSON.stringify(object)),
    });
    this.expectOk(answer, `apply ${object.kind} ${object.metadata.name}`);
    return answer.body;
  }

  async get(cluster: string, path: string): Promise<any | undefined> {
    const answer = await this.call(cluster, { method: 'GET', path });
    if (answer.status === 404) return undefined;
    this.expectOk(answer, `read ${path}`);
    return answer.body;
  }

  async delete(cluster: string, path: string): Promise<void> {
    const answer = await this.call(cluster, { method: 'DELETE', path });
    if (answer.status === 404) return;
    this.expectOk(answer, `delete ${path}`);
  }

  /** The namespace, if it exists; refuses one GPU Fleet does not manage. */
  async managedNamespace(
    cluster: string,
    namespace: string,
  ): Promise<any | undefined> {
    const existing = await this.get(
      cluster,
      `/api/v1/namespaces/${encodeURIComponent(namespace)}`,
    );
    if (
      existing &&
      existing.metadata?.labels?.[MANAGED_BY_LABEL] !== MANAGED_BY_VALUE
    ) {
      throw new ConflictError(
        `namespace: '${namespace}' already exists on cluster '${cluster}' and is not managed by GPU Fleet`,
      );
    }
    return existing;
  }

  private expectOk(answer: KubeAnswer, what: string) {
    if (answer.status >= 200 && answer.status < 300) return;
    const message = answer.body?.message ?? `status ${answer.status}`;
    if (answer.status === 403) {
      throw new ConflictError(
        `${WORKSPACE_RIGHTS_MESSAGE}: the cluster refused to ${what}: ${message}`,
      );
    }
    throw new TunnelRequestError(
      `the cluster could not ${what}: ${message}`,
      502,
    );
  }
}
