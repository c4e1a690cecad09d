import fs from 'node:fs';
import path from 'node:path';
import { Browser, Page } from 'playwright-core';
import { fleetApi } from './fleetApi';
import { guestPage } from './guestSession';
import { openBrowser, Portal, screenshotDir, startPortal } from './portal';

jest.setTimeout(300_000);

const HEADERS = [
  'Provider',
  'pending',
  'connected',
  'disconnected',
  'revoked',
  'total',
];

interface HeaderLayout {
  text: string;
  /** Distinct line boxes the cell's text occupies. */
  lines: number;
  /** Whether the cell cuts its own text off. */
  clipped: boolean;
}

/** How the status table lays out its column headers, as the browser drew them. */
function headerLayout(page: Page) {
  return page
    .getByRole('table', { name: 'Clusters by provider and status' })
    .evaluate(table => {
      const cells = [...table.querySelectorAll('thead th')];
      const layouts = cells.map(th => {
        const range = document.createRange();
        range.selectNodeContents(th);
        const tops = [...range.getClientRects()]
          .filter(r => r.width > 0 && r.height > 0)
          .map(r => Math.round(r.top));
        return {
          text: th.textContent ?? '',
          lines: new Set(tops).size,
          clipped: th.scrollWidth > th.clientWidth,
        };
      });
      // A table wider than its card must scroll there, not be cut off.
      let clip = table.parentElement;
      while (clip && getComputedStyle(clip).overflowX === 'visible') {
        clip = clip.parentElement;
      }
      const reachable =
        !clip ||
        table.getBoundingClientRect().right <=
          clip.getBoundingClientRect().right + 1 ||
        ['auto', 'scroll'].includes(getComputedStyle(clip).overflowX);
      return { layouts, reachable };
    });
}

describe('GPU Fleet routes and layout in a browser', () => {
  let portal: Portal;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    portal = await startPortal();
    browser = await openBrowser();
    const api = fleetApi(portal);
    await api.attach({ name: 'layout-eks', provider: 'eks' });
    await api.attach({ name: 'layout-lambda', provider: 'lambda' });
    await api.call('POST', '/clusters/layout-lambda/token/revoke');
    // A valid cluster name that the attach wizard's path once shadowed.
    await api.attach({
      name: 'attach',
      provider: 'oke',
      displayName: 'Attach',
    });
    page = await guestPage(browser, portal.baseUrl);
  });

  afterAll(async () => {
    await browser?.close();
    await portal?.stop();
  });

  it('keeps every status column header whole on one line at 1280 and 1024 px wide', async () => {
    const seen: Record<number, unknown> = {};
    for (const width of [1280, 1024]) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`${portal.baseUrl}/gpu-fleet`);
      await page
        .getByRole('table', { name: 'Clusters by provider and status' })
        .waitFor();
      fs.mkdirSync(screenshotDir, { recursive: true });
      await page.screenshot({
        path: path.join(screenshotDir, `gpu-fleet-overview-${width}.png`),
        fullPage: true,
      });
      seen[width] = await headerLayout(page);
    }
    const whole = {
      layouts: HEADERS.map<HeaderLayout>(text => ({
        text,
        lines: 1,
        clipped: false,
      })),
      reachable: true,
    };
    expect(seen).toEqual({ 1280: whole, 1024: whole });
  });

  it("answers an unknown page under /gpu-fleet with the portal's not-found page", async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${portal.baseUrl}/no-such-page`);
    const notFound = (await page.getByTestId('error').textContent()) ?? '';
    expect(notFound).toContain('404');

    for (const unknown of [
      '/gpu-fleet/nonsense',
      '/gpu-fleet/capacity/nonsense',
      '/gpu-fleet/clusters/layout-eks/nonsense',
    ]) {
      await page.goto(`${portal.baseUrl}${unknown}`);
      expect(await page.getByTestId('error').textContent()).toBe(notFound);
      expect(
        await page
          .getByRole('heading', { name: 'GPU Fleet', level: 1 })
          .count(),
      ).toBe(0);
    }

    // The real pages still open.
    await page.goto(`${portal.baseUrl}/gpu-fleet`);
    await page.getByRole('heading', { name: 'GPU Fleet', level: 1 }).waitFor();
    await page.goto(`${portal.baseUrl}/gpu-fleet/capacity`);
    await page
      .getByRole('heading', { name: 'GPU capacity', level: 1 })
      .waitFor();
    await page.goto(`${portal.baseUrl}/gpu-fleet/clusters`);
    await page.getByRole('heading', { name: 'Clusters', level: 1 }).waitFor();
  });

  it('opens the page of a cluster named "attach", and the wizard from the sidebar', async () => {
    await page.goto(`${portal.baseUrl}/gpu-fleet/clusters`);
    const link = page.getByRole('link', { name: 'Attach', exact: true });
    expect(await link.getAttribute('href')).toBe('/gpu-fleet/clusters/attach');
    await link.click();
    await page.waitForURL(/\/gpu-fleet\/clusters\/attach$/);
    await page.getByRole('heading', { name: 'Attach', level: 1 }).waitFor();
    await page.getByRole('list', { name: 'Prerequisite checks' }).waitFor();

    await page
      .getByRole('link', { name: 'Attach cluster', exact: true })
      .click();
    await page.waitForURL(/\/gpu-fleet\/attach$/);
    await page
      .getByRole('heading', { name: 'Attach a cluster', level: 1 })
      .waitFor();
    await page.getByRole('radio', { name: /^Amazon EKS/ }).waitFor();
  });
});
