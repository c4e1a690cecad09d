import fs from 'node:fs';
import path from 'node:path';
import { Browser } from 'playwright-core';
import { openBrowser, Portal, screenshotDir, startPortal } from './portal';

jest.setTimeout(240_000);

describe('the portal in a browser', () => {
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

  it('lets a person sign in as guest and lists the example entities', async () => {
    const page = await browser.newPage({
      viewport: { width: 1400, height: 900 },
    });
    await page.goto(portal.baseUrl);

    const guestCard = page.getByText('Guest', { exact: true }).first();
    await guestCard.waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Enter' }).click();

    // The catalog opens on the guest's owned components.
    await page.waitForURL(/\/catalog/);
    const component = page.getByRole('link', { name: 'llama-3-8b-chat' });
    await component.waitFor({ timeout: 90_000 });
    expect(await page.getByText('Owned Components (1)').isVisible()).toBe(true);
    fs.mkdirSync(screenshotDir, { recursive: true });
    await page.screenshot({ path: path.join(screenshotDir, 'catalog.png') });

    // Every example kind is there, not only the owned component.
    await page.goto(
      `${portal.baseUrl}/catalog?filters[kind]=user&filters[user]=all`,
    );
    // Users are listed by their profile's display name.
    for (const name of ['Alice Platform', 'Bob Trainer', 'Guest']) {
      await page.getByRole('link', { name, exact: true }).waitFor();
    }
    await page.goto(`${portal.baseUrl}/catalog/default/system/gpu-fleet`);
    await page
      .getByText('GPU workloads across attached Kubernetes clusters')
      .first()
      .waitFor();
  });
});
