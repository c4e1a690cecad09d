import { BaseClient, generators, Issuer } from 'openid-client';
import { CookieBrowser } from './__testUtils__/CookieBrowser';
import { DEMO_PASSWORD } from './demoUsers';
import { DevOidcProcess, spawnDevOidcProvider } from './spawnDevOidcProvider';

jest.setTimeout(60_000);

// The provider under test is the real command, on a free port; the relying
// party is openid-client, the library Backstage's OIDC module uses.
describe('the local OpenID Connect provider', () => {
  let idp: DevOidcProcess;
  let client: BaseClient;

  beforeAll(async () => {
    idp = await spawnDevOidcProvider({ portalUrl: 'http://localhost:7007' });
    const issuer = await Issuer.discover(idp.issuer);
    client = new issuer.Client({
      client_id: idp.clientId,
      client_secret: idp.clientSecret,
      redirect_uris: [idp.redirectUri],
      response_types: ['code'],
    });
  });

  afterAll(async () => {
    await idp?.stop();
  });

  /** Starts an authorization the way the portal does (code flow, PKCE, nonce). */
  function authorization() {
    const codeVerifier = generators.codeVerifier();
    const checks = {
      code_verifier: codeVerifier,
      nonce: generators.nonce(),
      state: generators.state(),
    };
    const url = client.authorizationUrl({
      scope: 'openid profile email groups',
      code_challenge: generators.codeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      nonce: checks.nonce,
      state: checks.state,
    });
    return { url, checks };
  }

  /** Opens the login form; returns its URL and HTML. */
  async function openLoginForm(browser: CookieBrowser, url: string) {
    const page = await browser.follow(url, idp.redirectUri);
    expect(page.response?.status).toBe(200);
    const html = await page.response!.text();
    expect(html).toContain('name="password"');
    return { url: page.url, html };
  }

  it('publishes a discovery document for the code flow with the demo claims', async () => {
    const response = await fetch(
      `${idp.issuer}/.well-known/openid-configuration`,
    );
    expect(response.status).toBe(200);
    const discovery = await response.json();
    expect(discovery).toMatchObject({
      issuer: idp.issuer,
      authorization_endpoint: `${idp.issuer}/auth`,
      token_endpoint: `${idp.issuer}/token`,
      userinfo_endpoint: `${idp.issuer}/me`,
      jwks_uri: `${idp.issuer}/jwks`,
      response_types_supported: ['code'],
      code_challenge_methods_supported: ['S256'],
    });
    expect(discovery.scopes_supported).toEqual(
      expect.arrayContaining(['openid', 'profile', 'email', 'groups']),
    );
    expect(discovery.claims_supported).toEqual(
      expect.arrayContaining([
        'sub',
        'email',
        'email_verified',
        'name',
        'preferred_username',
        'groups',
      ]),
    );
    expect(discovery.id_token_signing_alg_values_supported).toContain('RS256');

    const jwks = await (await fetch(discovery.jwks_uri)).json();
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({
      kty: 'RSA',
      alg: 'RS256',
      use: 'sig',
    });
    expect(jwks.keys[0].d).toBeUndefined();
  });

  it('signs a demo user in through the login form (authorization code flow)', async () => {
    const browser = new CookieBrowser();
    const { url, checks } = authorization();
    const form = await openLoginForm(browser, url);
    expect(form.html).toContain('the GPU Fleet portal');

    const submitted = await browser.submit(`${form.url}/login`, {
      username: 'bob',
      password: DEMO_PASSWORD,
    });
    // Login, then consent granted without asking, then back to the portal.
    const callback = await browser.follow(form.url, idp.redirectUri, submitted);
    expect(callback.response).toBeUndefined();
    const params = client.callbackParams(callback.url);
    expect(params.code).toBeDefined();

    const tokens = await client.callback(idp.redirectUri, params, checks);
    expect(tokens.claims()).toMatchObject({
      iss: idp.issuer,
      sub: 'bob',
      aud: idp.clientId,
      nonce: checks.nonce,
    });
    const expectedProfile = {
      sub: 'bob',
      email: 'bob@example.com',
      email_verified: true,
      name: 'Bob Trainer',
      preferred_username: 'bob',
      groups: ['llm-team'],
    };
    expect(await client.userinfo(tokens)).toEqual(expectedProfile);

    // The portal keeps its session by refreshing.
    expect(tokens.refresh_token).toBeDefined();
    const refreshed = await client.refresh(tokens.refresh_token!);
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    expect(refreshed.claims().sub).toBe('bob');
    expect(await client.userinfo(refreshed)).toEqual(expectedProfile);

    // The code is good once.
    await expect(
      client.callback(idp.redirectUri, params, checks),
    ).rejects.toThrow(/invalid_grant/);

    // Signed in already: a second sign-in in the same browser skips the form.
    const again = authorization();
    const silent = await browser.follow(again.url, idp.redirectUri);
    expect(silent.response).toBeUndefined();
    const tokensAgain = await client.callback(
      idp.redirectUri,
      client.callbackParams(silent.url),
      again.checks,
    );
    expect(tokensAgain.claims().sub).toBe('bob');
  });

  it('refuses a wrong password or an unknown user and keeps the form', async () => {
    const browser = new CookieBrowser();
    const { url, checks } = authorization();
    const form = await openLoginForm(browser, url);

    for (const attempt of [
      { username: 'carol', password: 'not-the-password' },
      { username: 'mallory', password: DEMO_PASSWORD },
      { username: 'carol', password: '' },
    ]) {
      const refused = await browser.submit(`${form.url}/login`, attempt);
      expect(refused.status).toBe(401);
      expect(refused.headers.get('location')).toBeNull();
      const html = await refused.text();
      expect(html).toContain('Wrong username or password.');
      expect(html).toContain('name="password"');
    }

    // The same sign-in still succeeds with the right password, as carol.
    const submitted = await browser.submit(`${form.url}/login`, {
      username: 'carol',
      password: DEMO_PASSWORD,
    });
    const callback = await browser.follow(form.url, idp.redirectUri, submitted);
    const tokens = await client.callback(
      idp.redirectUri,
      client.callbackParams(callback.url),
      checks,
    );
    expect(await client.userinfo(tokens)).toMatchObject({
      sub: 'carol',
      groups: ['ml-observers'],
    });
  });

  it('returns access_denied to the portal when the person cancels', async () => {
    const browser = new CookieBrowser();
    const { url, checks } = authorization();
    const form = await openLoginForm(browser, url);
    const cancelled = await browser.submit(`${form.url}/abort`, {});
    const callback = await browser.follow(form.url, idp.redirectUri, cancelled);
    const params = client.callbackParams(callback.url);
    expect(params).toMatchObject({
      error: 'access_denied',
      state: checks.state,
    });
  });

  it('refuses a code redeemed with the wrong client secret', async () => {
    const browser = new CookieBrowser();
    const { url, checks } = authorization();
    const form = await openLoginForm(browser, url);
    const submitted = await browser.submit(`${form.url}/login`, {
      username: 'alice',
      password: DEMO_PASSWORD,
    });
    const callback = await browser.follow(form.url, idp.redirectUri, submitted);
    const impostor = new client.issuer.Client({
      client_id: idp.clientId,
      client_secret: 'guessed',
      redirect_uris: [idp.redirectUri],
      response_types: ['code'],
    });
    await expect(
      impostor.callback(
        idp.redirectUri,
        impostor.callbackParams(callback.url),
        checks,
      ),
    ).rejects.toThrow(/invalid_client/);
  });
});
