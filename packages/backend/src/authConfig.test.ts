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

describe('sign-in configuration', () => {
  it('signs in locally as guest or through the local OpenID Connect provider', () => {
    const config = configOf('app-config.yaml');
    expect(config.getString('auth.providers.guest.userEntityRef')).toBe(
      'user:default/guest',
    );
    const oidc = config.getConfig('auth.providers.oidc.development');
    expect(oidc.getString('metadataUrl')).toBe(
      'http://localhost:${GPU_FLEET_OIDC_PORT:-7009}/.well-known/openid-configuration',
    );
    expect(oidc.getString('prompt')).toBe('auto');
    expect(oidc.get('signIn.resolvers')).toEqual([
      { resolver: 'emailMatchingUserEntityProfileEmail' },
    ]);
    // Backstage's OIDC module keeps its PKCE verifier in the session.
    expect(config.getOptionalString('auth.session.secret')).toBeTruthy();
  });

  it('keeps the local IdP and its session secret out of production', () => {
    const config = configOf('app-config.yaml', 'app-config.production.yaml');
    expect(config.getString('auth.environment')).toBe('production');
    expect(config.getConfig('auth.providers.oidc').keys()).toEqual([]);
    expect(config.getOptionalString('auth.session.secret')).toBeUndefined();
  });
});
