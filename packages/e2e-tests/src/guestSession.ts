import { Browser, Page } from 'playwright-core';

/** A page signed in as the guest user, the way a person does it. */
export async function guestPage(
  browser: Browser,
  baseUrl: string,
): Promise<Page> {
  const page = await browser.newPage({
    viewport: { width: 1400, height: 1000 },
  });
  await page.goto(baseUrl);
  await page
    .getByText('Guest', { exact: true })
    .first()
    .waitFor({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Enter' }).click();
  await page.waitForURL(/\/catalog/);
  return page;
}
