import { Browser, Page } from 'playwright-core';
import { DEMO_PASSWORD } from '@gpu-fleet/dev-oidc';

export interface OidcLogin {
  /** The portal, still on its sign-in page. */
  page: Page;
  /** The sign-in window showing the local IdP's login form. */
  login: Page;
}

/**
 * Opens the portal in a browser context of its own (so each person has their
 * own cookies) and, from the "Company SSO" card, the IdP's login form.
 */
export async function openOidcLogin(
  browser: Browser,
  baseUrl: string,
): Promise<OidcLogin> {
  const context = await browser.newContext({
    viewport: { width: 1400, height: 1000 },
  });
  const page = await context.newPage();
  await page.goto(baseUrl);
  await page
    .getByText('Company SSO', { exact: true })
    .waitFor({ timeout: 60_000 });
  const [login] = await Promise.all([
    page.waitForEvent('popup'),
    page.getByRole('button', { name: 'Sign In', exact: true }).click(),
  ]);
  try {
    await login.getByLabel('Username').waitFor({ timeout: 30_000 });
  } catch {
    throw new Error(
      `the sign-in window shows no login form at ${login.url()}:\n${await login
        .locator('body')
        .innerText()
        .catch(() => '(closed)')}`,
    );
  }
  return { page, login };
}

/**
 * A page signed in as a demo user through the local OpenID Connect provider,
 * the way a person does it: the SSO card, the IdP's form, back to the portal.
 * Each call uses a new browser context; close it with `page.context().close()`.
 */
export async function oidcPage(
  browser: Browser,
  baseUrl: string,
  user: string,
  password: string = DEMO_PASSWORD,
): Promise<Page> {
  const { page, login } = await openOidcLogin(browser, baseUrl);
  await login.getByLabel('Username').fill(user);
  await login.getByLabel('Password').fill(password);
  const closed = login.waitForEvent('close', { timeout: 30_000 });
  await login.getByRole('button', { name: 'Sign in', exact: true }).click();
  try {
    await closed;
  } catch {
    throw new Error(
      `the sign-in window for ${user} did not close; it shows:\n${await login
        .locator('body')
        .innerText()
        .catch(() => '(nothing)')}`,
    );
  }
  await page.waitForURL(/\/catalog/, { timeout: 60_000 });
  return page;
}
