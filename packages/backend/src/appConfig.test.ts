import fs from 'node:fs';
import path from 'node:path';
import { ConfigReader } from '@backstage/config';
import { parse } from 'yaml';

const root = path.resolve(__dirname, '../../..');

/** The files in the order the backend is started with them. */
function configOf(...files: string[]) {
  return ConfigReader.fromConfigs(
    files.map(file => ({
      context: file,
      data: parse(fs.readFileSync(path.join(root, file), 'utf8')),
    })),
  );
}

describe("the portal's configuration", () => {
  it('gives kubectl a local TLS listener for local use', () => {
    const config = configOf('app-config.yaml');
    expect(
      config.getOptionalConfig('gpuFleet.proxy.tls.listen')?.get(),
    ).toEqual({ host: 'localhost', port: 7443 });
  });

  it("leaves production without that listener, so kubeconfigs name the portal's own address", () => {
    // Production loads app-config.yaml first; a localhost listener there
    // would hand out kubeconfigs that point at localhost.
    const config = configOf('app-config.yaml', 'app-config.production.yaml');
    expect(
      config.getOptionalConfig('gpuFleet.proxy.tls.listen'),
    ).toBeUndefined();
  });

  it('offers the simulated-cluster command (yarn demo:cluster) locally, never in production', () => {
    const key = 'gpuFleet.demo.clusterCommand';
    expect(configOf('app-config.yaml').getOptionalBoolean(key)).toBe(true);
    expect(
      configOf(
        'app-config.yaml',
        'app-config.production.yaml',
      ).getOptionalBoolean(key),
    ).toBe(false);
  });
});
