import fs from 'node:fs';
import path from 'node:path';
import { Browser, Page } from 'playwright-core';
import { openOidcLogin, oidcPage } from './oidcSession';
import { openBrowser, Portal, screenshotDir, startPortal } from './portal';

jest.setTimeout(240_000);

// The real backend and Backstage's OIDC module against the local IdP
// (packages/dev-oidc), driven through its login form in Chromium.
describe('single sign-on through the local OpenID Connect provider', () => {
  let portal: Portal;
  let browser: Browser;

  beforeAll(async () => {
    portal = await startPortal();
    browser = await openBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await portal?.stop();
  });

  /** The settings page (a full reload, so the session must refresh). */
  async function settings(page: Page) {
    await page.goto(`${portal.baseUrl}/settings`);
    await page
      .getByText('Backstage Identity')
      .first()
      .waitFor({ timeout: 60_000 });
    return page;
  }

  it('signs in two demo users, each as themselves', async () => {
    const bob = await settings(await oidcPage(browser, portal.baseUrl, 'bob'));
    const carol = await settings(
      await oidcPage(browser, portal.baseUrl, 'carol'),
    );

    // The profile comes from the IdP; the identity is the catalog user that
    // has that email, with the groups the catalog gives them.
    for (const [page, user] of [
      [
        bob,
        {
          name: 'Bob Trainer',
          email: 'bob@example.com',
          id: 'bob',
          group: 'llm-team',
        },
      ],
      [
        carol,
        {
          name: 'Carol Viewer',
          email: 'carol@example.com',
          id: 'carol',
          group: 'ml-observers',
        },
      ],
    ] as const) {
      await page.getByText(user.name, { exact: true }).first().waitFor();
      await page.getByText(user.email, { exact: true }).waitFor();
      await page
        .locator(`a[href="/catalog/default/user/${user.id}"]`)
        .first()
        .waitFor();
      await page
        .locator(`a[href="/catalog/default/group/${user.group}"]`)
        .first()
        .waitFor();
    }
    expect(await bob.getByText('Carol Viewer').count()).toBe(0);
    expect(
      await bob
        .locator('a[href="/catalog/default/group/ml-observers"]')
        .count(),
    ).toBe(0);
    expect(await carol.getByText('Bob Trainer').count()).toBe(0);
    expect(
      await carol.locator('a[href="/catalog/default/group/llm-team"]').count(),
    ).toBe(0);

    fs.mkdirSync(screenshotDir, { recursive: true });
    await bob.screenshot({ path: path.join(screenshotDir, 'oidc-bob.png') });
    await carol.screenshot({
      path: path.join(screenshotDir, 'oidc-carol.png'),
    });
    await bob.context().close();
    await carol.context().close();
  });

  it('keeps a wrong password on the login form with an error', async () => {
    const { page, login } = await openOidcLogin(browser, portal.baseUrl);
    await login.getByLabel('Username').fill('carol');
    await login.getByLabel('Password').fill('not-the-password');
    await login.getByRole('button', { name: 'Sign in', exact: true }).click();

    await login
      .getByRole('alert')
      .filter({ hasText: 'Wrong username or password.' })
      .waitFor();
    expect(login.isClosed()).toBe(false);
    expect(new URL(login.url()).origin).toBe(portal.oidcIssuer);
    expect(await login.getByLabel('Password').isVisible()).toBe(true);
    // Nobody is signed in: the portal still offers its sign-in choices.
    expect(
      await page.getByText('Company SSO', { exact: true }).isVisible(),
    ).toBe(true);
    expect(page.url()).not.toMatch(/\/catalog/);
    fs.mkdirSync(screenshotDir, { recursive: true });
    await page.screenshot({ path: path.join(screenshotDir, 'sign-in.png') });
    await login.screenshot({
      path: path.join(screenshotDir, 'oidc-wrong-password.png'),
    });
    await page.context().close();
  });
});
