import { LoggerService } from '@backstage/backend-plugin-api';
import { ServiceUnavailableError } from '@backstage/errors';
import express from 'express';
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import { loadOrCreateCertificates } from './localCertificateAuthority';
import { ProxyTlsConfig } from './proxyTlsConfig';
import { ProxyTlsListener } from './ProxyTlsListener';

/** Where a kubeconfig sends kubectl, and whom kubectl trusts there. */
export interface KubectlEndpoint {
  /** The plugin's https base URL, e.g. https://localhost:7443/api/gpu-fleet. */
  baseUrl: string;
  /** PEM of the CA to trust; unset: kubectl uses the system's CAs. */
  certificateAuthority?: string;
}

/** Reads gpuFleet.proxy.tls.certificateAuthorityFile at start-up, so a bad file fails early. */
function readCertificateAuthorityFile(file: string): string {
  const key = 'gpuFleet.proxy.tls.certificateAuthorityFile';
  let pem: string;
  try {
    pem = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`${key}: cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    new X509Certificate(pem); // eslint-disable-line no-new
  } catch {
    throw new Error(`${key}: ${file} is not a PEM certificate`);
  }
  return pem;
}

/**
 * The portal's external address, when no TLS listener is configured. A
 * plain-http one is refused rather than written into a kubeconfig: kubectl
 * would send no token to it and every request would be unauthorised.
 */
export function externalKubectlEndpoint(
  externalBaseUrl: () => Promise<string>,
  certificateAuthority?: string,
): () => Promise<KubectlEndpoint> {
  return async () => {
    const baseUrl = await externalBaseUrl();
    if (new URL(baseUrl).protocol !== 'https:') {
      throw new ServiceUnavailableError(
        `kubectl sends its credentials only to an https server, and this portal's address ${baseUrl} is plain http. ` +
          'Serve the portal over https (backend.baseUrl), or set gpuFleet.proxy.tls.listen and ' +
          'gpuFleet.proxy.tls.certificateDirectory for a TLS endpoint of its own (app-config.yaml does for local use).',
      );
    }
    return { baseUrl, certificateAuthority };
  };
}

/**
 * What kubeconfigs point kubectl at: the TLS listener when one is
 * configured (started here, with its CA created once and kept), else the
 * portal's external address.
 */
export async function startKubectlEndpoint(options: {
  config: ProxyTlsConfig;
  /** The proxy handler the main router serves, from createProxyRouter. */
  proxy: express.Handler;
  /** The plugin's path on the backend, e.g. /api/gpu-fleet. */
  basePath: string;
  externalBaseUrl: () => Promise<string>;
  logger: LoggerService;
}): Promise<{
  endpoint: () => Promise<KubectlEndpoint>;
  close: () => Promise<void>;
}> {
  const { listener: listen, certificateAuthorityFile } = options.config;
  if (!listen) {
    return {
      endpoint: externalKubectlEndpoint(
        options.externalBaseUrl,
        certificateAuthorityFile &&
          readCertificateAuthorityFile(certificateAuthorityFile),
      ),
      close: async () => {},
    };
  }
  const listener = await ProxyTlsListener.start({
    host: listen.host,
    port: listen.port,
    certificates: await loadOrCreateCertificates(listen.certificateDirectory, [
      listen.host,
    ]),
    basePath: options.basePath,
    proxy: options.proxy,
    logger: options.logger,
  });
  const endpoint: KubectlEndpoint = {
    baseUrl: listener.baseUrl,
    certificateAuthority: listener.certificateAuthority,
  };
  return { endpoint: async () => endpoint, close: () => listener.close() };
}
