import { readOptionsFromEnv } from './env';

describe('readOptionsFromEnv', () => {
  it('defaults to port 7009 and the local portal', () => {
    expect(readOptionsFromEnv({})).toEqual({
      port: 7009,
      host: undefined,
      portalUrl: 'http://localhost:7007',
      clientId: 'gpu-fleet-portal',
      clientSecret: 'local-dev-only-not-a-secret',
    });
  });

  it('takes the port, portal and client from the environment', () => {
    expect(
      readOptionsFromEnv({
        GPU_FLEET_OIDC_PORT: '0',
        GPU_FLEET_BASE_URL: 'http://localhost:3000',
        GPU_FLEET_OIDC_CLIENT_ID: 'portal',
        GPU_FLEET_OIDC_CLIENT_SECRET: 's3cret',
      }),
    ).toMatchObject({
      port: 0,
      portalUrl: 'http://localhost:3000',
      clientId: 'portal',
      clientSecret: 's3cret',
    });
  });

  it.each(['abc', '-1', '70000', '80.5'])('refuses port %s', port => {
    expect(() => readOptionsFromEnv({ GPU_FLEET_OIDC_PORT: port })).toThrow(
      /GPU_FLEET_OIDC_PORT must be a port number/,
    );
  });
});
