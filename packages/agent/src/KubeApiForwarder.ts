import http from 'node:http';
import https from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';

export interface ForwardedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  signal: AbortSignal;
}

/** Sends raw requests to the cluster's API server with the agent's own credentials. */
export class KubeApiForwarder {
  private readonly server: string;

  constructor(private readonly kubeConfig: KubeConfig) {
    const cluster = kubeConfig.getCurrentCluster();
    if (!cluster) throw new Error('the kubeconfig names no current cluster');
    this.server = cluster.server.replace(/\/+$/, '');
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
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const outgoing = transport.request(
        url,
        { ...options, signal: request.signal },
        resolve,
      );
      outgoing.on('error', reject);
      outgoing.end(request.body);
    });
  }

  async kubernetesVersion(): Promise<string | undefined> {
    const response = await this.forward({
      method: 'GET',
      path: '/version',
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(10_000),
    });
    const chunks: Buffer[] = [];
    for await (const chunk of response) chunks.push(chunk as Buffer);
    if (response.statusCode !== 200) return undefined;
    return JSON.parse(Buffer.concat(chunks).toString()).gitVersion;
  }
}
