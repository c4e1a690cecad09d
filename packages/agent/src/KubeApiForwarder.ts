import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import { KubeConfig } from '@kubernetes/client-node';
import { kubeApiPathProblem } from '@gpu-fleet/plugin-gpu-fleet-common';

/** A request the agent will not send, or an answer it cannot carry back. */
export class ForwardError extends Error {
  readonly name = 'ForwardError';
  constructor(message: string, readonly status: 400 | 502) {
    super(message);
  }
}

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
  /** The server URL's own path (a Rancher-style prefix), never left. */
  private readonly serverPath: string;
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
    this.serverPath = new URL(this.server).pathname.replace(/\/+$/, '');
    this.proxied = Boolean(cluster.proxyUrl);
  }

  static fromEnvironment(kubeconfigPath?: string): KubeApiForwarder {
    const kubeConfig = new KubeConfig();
    if (kubeconfigPath) kubeConfig.loadFromFile(kubeconfigPath);
    else kubeConfig.loadFromDefault();
    return new KubeApiForwarder(kubeConfig);
  }

  async forward(request: ForwardedRequest): Promise<http.IncomingMessage> {
    const url = this.urlOf(request.path);
    const options: https.RequestOptions = { method: request.method };
    await this.kubeConfig.applyToHTTPSOptions(options);
    options.headers = { ...(options.headers as object), ...request.headers };
    // A streamed body has no length. Node frames it as chunked by default
    // only for methods other than GET, HEAD and DELETE; a DELETE's options
    // body would otherwise go out unframed, the API server would take it
    // for the start of the next request on the pooled connection, and
    // answer that one with 400.
    if (request.body instanceof Readable) {
      options.headers['transfer-encoding'] = 'chunked';
    }
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
      // Without a listener Node drops the socket and says only "socket hang up".
      outgoing.on('upgrade', (_response, socket) => {
        socket.destroy();
        reject(
          new ForwardError(
            'the API server switched protocols (101), which the tunnel does not carry',
            502,
          ),
        );
      });
      const body = request.body;
      if (body instanceof Readable) {
        body.on('error', error => outgoing.destroy(error));
        body.pipe(outgoing);
      } else {
        outgoing.end(body);
      }
    });
  }

  /**
   * The control plane checks paths too; the agent holds the credentials, so
   * it checks again and then makes sure URL resolution kept the prefix.
   */
  private urlOf(path: string): URL {
    const problem = kubeApiPathProblem(path);
    if (problem) throw new ForwardError(problem, 400);
    const url = new URL(`${this.server}${path}`);
    const pathname = url.pathname.slice(this.serverPath.length);
    if (
      url.origin !== new URL(this.server).origin ||
      !url.pathname.startsWith(this.serverPath) ||
      kubeApiPathProblem(pathname) !== undefined
    ) {
      throw new ForwardError(
        `path: '${path.slice(0, 100)}' leaves the API server's API`,
        400,
      );
    }
    return url;
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
