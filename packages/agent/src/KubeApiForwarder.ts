import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import { KubeConfig } from '@kubernetes/client-node';

export interface ForwardedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** A stream goes to the API server chunked, as fast as it takes it. */
  body?: Buffer | Readable;
  signal: AbortSignal;
}

// Like Node's global agents: idle connections are dropped before a server's
// own idle limit is likely to close them under a request.
const POOL_OPTIONS = {
  keepAlive: true,
  timeout: 5000,
  scheduling: 'lifo' as const,
};

/** Sends raw requests to the cluster's API server with the agent's own credentials. */
export class KubeApiForwarder {
  private readonly server: string;
  private readonly proxied: boolean;
  // client-node hands out a new agent per call, which would mean a new TCP
  // and TLS connection to the API server for every request. These pools key
  // connections by the TLS material each request carries, so a rotated
  // client certificate gets new connections.
  private readonly httpPool = new http.Agent(POOL_OPTIONS);
  private readonly httpsPool = new https.Agent(POOL_OPTIONS);

  constructor(readonly kubeConfig: KubeConfig) {
    const cluster = kubeConfig.getCurrentCluster();
    if (!cluster) throw new Error('the kubeconfig names no current cluster');
    this.server = cluster.server.replace(/\/+$/, '');
    this.proxied = Boolean(cluster.proxyUrl);
  }

  static fromEnvironment(kubeconfigPath?: string): KubeApiForwarder {
    const kubeConfig = new KubeConfig();
    if (kubeconfigPath) kubeConfig.loadFromFile(kubeconfigPath);
    else kubeConfig.loadFromDefault();
    return new KubeApiForwarder(kubeConfig);
  }

  async forward(request: ForwardedRequest): Promise<http.IncomingMessage> {
    const url = new URL(`${this.server}${request.path}`);
    const options: https.RequestOptions = { method: request.method };
    await this.kubeConfig.applyToHTTPSOptions(options);
    options.headers = { ...(options.headers as object), ...request.headers };
    const tls = url.protocol === 'https:';
    const transport = tls ? https : http;
    // Through an HTTP or SOCKS proxy the connection is client-node's to make.
    if (!this.proxied) options.agent = tls ? this.httpsPool : this.httpPool;
    return new Promise((resolve, reject) => {
      const outgoing = transport.request(
        url,
        { ...options, signal: request.signal },
        resolve,
      );
      outgoing.on('error', reject);
      const body = request.body;
      if (body instanceof Readable) {
        body.on('error', error => outgoing.destroy(error));
        body.pipe(outgoing);
      } else {
        outgoing.end(body);
      }
    });
  }

  /** Closes the pooled connections to the API server. */
  close() {
    this.httpPool.destroy();
    this.httpsPool.destroy();
  }

  /** A GET answered in JSON; `body` is undefined when the answer was not JSON. */
  async getJson(
    path: string,
    timeoutMs = 10_000,
  ): Promise<{ status: number; body: any }> {
    const response = await this.forward({
      method: 'GET',
      path,
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(timeoutMs),
    });
    const chunks: Buffer[] = [];
    for await (const chunk of response) chunks.push(chunk as Buffer);
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString());
    } catch {
      body = undefined;
    }
    return { status: response.statusCode ?? 0, body };
  }

  async kubernetesVersion(): Promise<string | undefined> {
    const { status, body } = await this.getJson('/version');
    return status === 200 && typeof body?.gitVersion === 'string'
      ? body.gitVersion
      : undefined;
  }
}
