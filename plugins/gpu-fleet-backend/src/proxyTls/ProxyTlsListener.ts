import { LoggerService } from '@backstage/backend-plugin-api';
import express from 'express';
import https from 'node:https';
import net from 'node:net';
import { kubeStatusErrorHandler, sendKubeStatus } from '../routes/kubeStatus';
import { ProxyTlsCertificates } from './localCertificateAuthority';

/**
 * An HTTPS server of its own for the Kubernetes proxy, so kubectl (which
 * sends credentials only over TLS) can use it where the portal itself is
 * plain http. It serves the main router's proxy handler at the same path.
 */
export class ProxyTlsListener {
  static async start(options: {
    host: string;
    port: number;
    certificates: ProxyTlsCertificates;
    /** The plugin's path on the backend, e.g. /api/gpu-fleet. */
    basePath: string;
    proxy: express.Handler;
    logger: LoggerService;
  }): Promise<ProxyTlsListener> {
    const { host, port, certificates, basePath, proxy, logger } = options;
    const app = express();
    app.disable('x-powered-by');
    app.use(basePath, proxy);
    app.use((_req, res) =>
      sendKubeStatus(
        res,
        404,
        `only the Kubernetes proxy is served here: ${basePath}/clusters/<name>/proxy/...`,
      ),
    );
    app.use(kubeStatusErrorHandler(logger));

    const server = https.createServer(
      { cert: certificates.serverCertificate, key: certificates.serverKey },
      app,
    );
    // Raw sockets, so close() also ends those an HTTP server does not count
    // as its connections (mid-handshake, or TLS with no request yet).
    const sockets = new Set<net.Socket>();
    server.on('connection', (socket: net.Socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', error =>
        reject(
          new Error(
            `gpuFleet.proxy.tls.listen: cannot listen on ${host}:${port}: ${error.message}`,
          ),
        ),
      );
      server.listen(port, host, () => resolve());
    });
    const { port: actualPort } = server.address() as net.AddressInfo;
    const authority = net.isIPv6(host) ? `[${host}]` : host;
    const listener = new ProxyTlsListener(
      server,
      sockets,
      `https://${authority}:${actualPort}${basePath}`,
      certificates.caCertificate,
    );
    logger.info(`Kubernetes proxy for kubectl at ${listener.baseUrl}`);
    return listener;
  }

  private constructor(
    private readonly server: https.Server,
    private readonly sockets: Set<net.Socket>,
    /** The plugin's base URL on this listener, as kubeconfigs name it. */
    readonly baseUrl: string,
    /** PEM of the CA that signed this listener's certificate. */
    readonly certificateAuthority: string,
  ) {}

  /** Stops accepting and ends open connections, watches included: they would hold shutdown forever. */
  close(): Promise<void> {
    return new Promise(resolve => {
      this.server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
    });
  }
}
