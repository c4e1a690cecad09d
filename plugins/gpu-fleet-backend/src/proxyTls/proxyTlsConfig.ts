import { Config } from '@backstage/config';
import path from 'node:path';

export interface ProxyTlsConfig {
  /** gpuFleet.proxy.tls.listen with its certificate directory; unset: no listener. */
  listener?: { host: string; port: number; certificateDirectory: string };
  /** gpuFleet.proxy.tls.certificateAuthorityFile, as an absolute path. */
  certificateAuthorityFile?: string;
}

const KEY = 'gpuFleet.proxy.tls';

/** Reads gpuFleet.proxy.tls once; see config.d.ts. */
export function readProxyTlsConfig(config: Config): ProxyTlsConfig {
  const tls = config.getOptionalConfig(KEY);
  if (!tls) return {};
  const caFile = tls.getOptionalString('certificateAuthorityFile');
  const listen = tls.getOptionalConfig('listen');
  if (!listen) {
    return caFile ? { certificateAuthorityFile: path.resolve(caFile) } : {};
  }
  if (caFile) {
    // The listener's CA is generated; a second CA would leave it unclear which one kubeconfigs carry.
    throw new Error(
      `${KEY}.certificateAuthorityFile is for the portal's own https address; with ${KEY}.listen the CA is generated in ${KEY}.certificateDirectory`,
    );
  }
  const port = listen.getNumber('port');
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`${KEY}.listen.port must be a port number (0 to 65535)`);
  }
  const certificateDirectory = tls.getOptionalString('certificateDirectory');
  if (!certificateDirectory) {
    throw new Error(
      `${KEY}.certificateDirectory is required with ${KEY}.listen: the listener's CA is generated there once and reused`,
    );
  }
  return {
    listener: {
      host: listen.getOptionalString('host') ?? 'localhost',
      port,
      certificateDirectory: path.resolve(certificateDirectory),
    },
  };
}
