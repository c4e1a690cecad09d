import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runDemoCluster } from '@gpu-fleet/demo-fleet';
import { Browser, Page } from 'playwright-core';
import { ApiCapacity, ApiCluster, fleetApi } from './fleetApi';
import { guestPage } from './guestSession';
import { openBrowser, Portal, screenshotDir, startPortal } from './portal';
import { eventually } from './eventually';

jest.setTimeout(300_000);

const STATUSES = ['pending', 'connected', 'disconnected', 'revoked'];

async function screenshot(page: Page, name: string) {
  fs.mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({
    path: path.join(screenshotDir, `${name}.png`),
    fullPage: true,
  });
}

const figure = (page: Page, label: string) =>
  page.getByRole('group', { name: label, exact: true }).textContent();

/** What the capacity page must show for one API answer. */
function expectedCapacityTexts(capacity: ApiCapacity): string[] {
  if (capacity.rows.length === 0) return ['No GPUs reported yet'];
  return capacity.rows.map(
    row =>
      `· ${row.key.gpuType}: ${row.allocated} allocated, ${row.free} free${
        row.total - row.allocated - row.free > 0
          ? `, ${row.total - row.allocated - row.free} unavailable`
          : ''
      } of ${row.total} GPUs`,
  );
}

describe('GPU Fleet pages in a browser', () => {
  let portal: Portal;
  let browser: Browser;
  let page: Page;
  let api: ReturnType<typeof fleetApi>;

  beforeAll(async () => {
    portal = await startPortal();
    browser = await openBrowser();
    api = fleetApi(portal);
    // A small fleet attached the way automation would: through the REST API.
    await api.attach({
      name: 'e2e-eks-a',
      provider: 'eks',
      region: 'us-east-1',
      displayName: 'E2E EKS A',
    });
    await api.attach({
      name: 'e2e-eks-b',
      provider: 'eks',
      region: 'us-west-2',
    });
    await api.attach({
      name: 'e2e-coreweave',
      provider: 'coreweave',
      region: 'US-EAST-04',
    });
    await api.attach({ name: 'e2e-lambda', provider: 'lambda' });
    await api.call('POST', '/clusters/e2e-lambda/token/revoke');
    page = await guestPage(browser, portal.baseUrl);
  });

  afterAll(async () => {
    await browser?.close();
    await portal?.stop();
  });

  it('fleet overview counts clusters by provider and status as the API lists them', async () => {
    await page.goto(`${portal.baseUrl}/gpu-fleet`);
    await page
      .getByRole('table', { name: 'Clusters by provider and status' })
      .waitFor();

    const clusters = (await api.clusters()).filter(c => !c.detachedAt);
    const counts = new Map<string, number>();
    for (const c of clusters) {
      const key = `provider=${c.provider}&status=${c.status}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.get('provider=lambda&status=revoked')).toBe(1);
    for (const [query, count] of counts) {
      const link = page.locator(`a[href="/gpu-fleet/clusters?${query}"]`);
      expect(await link.textContent()).toBe(String(count));
    }
    for (const provider of new Set(clusters.map(c => c.provider))) {
      const shown = STATUSES.map(
        s => counts.get(`provider=${provider}&status=${s}`) ?? 0,
      );
      const row = page.getByRole('row').filter({
        has: page.locator(`a[href="/gpu-fleet/clusters?provider=${provider}"]`),
      });
      expect(await row.locator('td').allTextContents()).toEqual([
        ...shown.map(String),
        String(shown.reduce((a, b) => a + b, 0)),
      ]);
    }

    await eventually(async () => {
      const capacity = await api.capacity('groupBy=provider');
      const texts =
        capacity.rows.length === 0
          ? ['No GPUs reported yet']
          : [
              `Total GPUs${capacity.totals.total}`,
              `Allocated${capacity.totals.allocated}`,
              `Free${capacity.totals.free}`,
            ];
      const shown = await page.locator('main').textContent();
      expect(shown).toContain('GPUs at a glance');
      for (const text of texts) expect(shown).toContain(text);
    });
    await screenshot(page, 'gpu-fleet-overview');

    await page
      .getByRole('navigation', { name: 'GPU Fleet pages' })
      .getByRole('link', { name: 'GPU capacity', exact: true })
      .click();
    await page.waitForURL(/\/gpu-fleet\/capacity$/);
  });

  it('capacity page shows what GET /capacity returns, and keeps filters in the URL', async () => {
    await page.goto(`${portal.baseUrl}/gpu-fleet/capacity`);
    await page.getByRole('button', { name: /^Provider/ }).waitFor();
    await eventually(async () => {
      const capacity = await api.capacity('groupBy=provider,gpuType');
      const body = await page.locator('main').textContent();
      for (const text of expectedCapacityTexts(capacity)) {
        expect(body).toContain(text);
      }
      // The pooled figures are shown only when some GPU is reported.
      const pooled =
        capacity.rows.length === 0
          ? []
          : (['total', 'allocated', 'free'] as const);
      for (const key of pooled) {
        const label = key[0].toUpperCase() + key.slice(1);
        expect(await figure(page, label)).toBe(
          `${label}${capacity.totals[key]}`,
        );
      }
    });
    await screenshot(page, 'gpu-fleet-capacity');

    // Choosing a filter puts it in the URL and the figures follow the API's filtered answer.
    await page.getByRole('button', { name: /^Provider/ }).click();
    await page.getByRole('option', { name: 'Amazon EKS' }).click();
    await page.waitForURL(/[?&]provider=eks/);
    await eventually(async () => {
      const capacity = await api.capacity(
        'groupBy=provider,gpuType&provider=eks',
      );
      const body = await page.locator('main').textContent();
      const texts =
        capacity.rows.length === 0
          ? ['No GPUs match these filters']
          : expectedCapacityTexts(capacity);
      for (const text of texts) expect(body).toContain(text);
    });

    // A URL with filters opens with them applied.
    await page.goto(
      `${portal.baseUrl}/gpu-fleet/capacity?provider=coreweave&capacityType=spot`,
    );
    await expect(
      page.getByRole('button', { name: /^Provider/ }).textContent(),
    ).resolves.toContain('CoreWeave CKS');
    await expect(
      page.getByRole('button', { name: /^Capacity type/ }).textContent(),
    ).resolves.toContain('spot');
    await screenshot(page, 'gpu-fleet-capacity-filtered');
  });

  it('lists every attached cluster and opens its page with checks, add-ons, token rotation and audit', async () => {
    await page.goto(`${portal.baseUrl}/gpu-fleet/clusters`);
    const clusters = (await api.clusters()).filter(c => !c.detachedAt);
    await page.getByText(`Clusters (${clusters.length})`).waitFor();
    for (const cluster of clusters) {
      const link = page.getByRole('link', {
        name: cluster.displayName,
        exact: true,
      });
      expect(await link.getAttribute('href')).toBe(
        `/gpu-fleet/clusters/${cluster.name}`,
      );
    }
    await screenshot(page, 'gpu-fleet-clusters');

    await page.getByRole('link', { name: 'E2E EKS A', exact: true }).click();
    await page.waitForURL(/\/gpu-fleet\/clusters\/e2e-eks-a$/);
    await page.getByRole('heading', { name: 'E2E EKS A', level: 1 }).waitFor();

    const { checks } = await api.call<{
      checks: Array<{ title: string; status: string }>;
    }>('GET', '/clusters/e2e-eks-a/prerequisites');
    const checkList = page.getByRole('list', { name: 'Prerequisite checks' });
    await checkList.waitFor();
    expect(await checkList.getByRole('listitem').count()).toBe(checks.length);
    for (const check of checks) {
      await checkList.getByText(check.title).waitFor();
    }
    const cluster: ApiCluster = await api.cluster('e2e-eks-a');
    expect(
      await page
        .getByRole('list', { name: 'Installed add-ons' })
        .getByRole('listitem')
        .count(),
    ).toBe(cluster.addons.length);

    await page.getByRole('button', { name: 'Rotate token' }).click();
    const dialog = page.getByRole('dialog', {
      name: 'Rotate the agent token?',
    });
    await dialog.getByRole('button', { name: 'Rotate token' }).click();
    const token = (await page
      .getByLabel('New token', { exact: true })
      .textContent())!.trim();
    expect(token.length).toBeGreaterThan(20);
    expect(
      await page.getByLabel('Install command', { exact: true }).textContent(),
    ).toContain(token);
    await page.getByRole('cell', { name: 'token.rotated' }).waitFor();
    const audit = await api.call<{ items: Array<{ action: string }> }>(
      'GET',
      '/clusters/e2e-eks-a/audit',
    );
    expect(audit.items.map(e => e.action)).toContain('token.rotated');
    await screenshot(page, 'gpu-fleet-cluster');
  });

  it('attaching from the wizard produces a cluster the list then shows', async () => {
    await page.goto(`${portal.baseUrl}/gpu-fleet/attach`);
    await page
      .getByRole('radio', { name: /^Nebius managed Kubernetes/ })
      .check();
    await page.getByRole('button', { name: 'Next' }).click();
    // Nebius manages the GPU Operator, so the wizard leaves it off.
    expect(
      await page
        .getByRole('checkbox', { name: 'NVIDIA GPU Operator' })
        .isChecked(),
    ).toBe(false);
    expect(
      await page.getByRole('checkbox', { name: 'cert-manager' }).isChecked(),
    ).toBe(true);
    await page.getByRole('button', { name: 'Next' }).click();

    // A taken name comes back from the API as an error on the name field.
    const name = page.getByRole('textbox', { name: /Cluster name/ });
    await name.fill('e2e-eks-a');
    await page.getByRole('textbox', { name: 'Region' }).fill('eu-north1');
    await page.getByRole('button', { name: 'Attach cluster' }).click();
    await page
      .getByText("a cluster named 'e2e-eks-a' is already attached")
      .waitFor();

    await name.fill('e2e-wizard-nebius');
    await page.getByRole('button', { name: 'Attach cluster' }).click();
    const command = page.getByLabel('Install command', { exact: true });
    await command.waitFor();
    expect(await command.textContent()).toContain(
      'clusterName=e2e-wizard-nebius',
    );
    // The local default also offers a simulated cluster for the new token.
    expect(
      await page
        .getByLabel('Simulated cluster command', { exact: true })
        .textContent(),
    ).toMatch(
      /^yarn demo:cluster --provider nebius --name e2e-wizard-nebius --gpus H200x8 --addons \S+ --portal http:\/\/localhost:\d+ --token gfct_\S+$/,
    );
    await screenshot(page, 'gpu-fleet-attach-install');

    const attached = await api.cluster('e2e-wizard-nebius');
    expect(attached).toMatchObject({
      provider: 'nebius',
      region: 'eu-north1',
      status: 'pending',
    });
    expect(attached.addons).not.toContain('gpu-operator');

    await page
      .getByRole('link', { name: 'Clusters', exact: true })
      .first()
      .click();
    await page.waitForURL(/\/gpu-fleet\/clusters$/);
    const listed = page.getByRole('link', {
      name: 'e2e-wizard-nebius',
      exact: true,
    });
    await listed.waitFor();
    expect(await listed.getAttribute('href')).toBe(
      '/gpu-fleet/clusters/e2e-wizard-nebius',
    );
    await screenshot(page, 'gpu-fleet-clusters-after-wizard');
  });

  it("the wizard's simulated-cluster command connects the cluster, and its GPUs join the capacity page", async () => {
    await page.goto(`${portal.baseUrl}/gpu-fleet/attach`);
    await page
      .getByRole('radio', { name: /^Fluidstack managed Kubernetes/ })
      .check();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Next' }).click();
    await page
      .getByRole('textbox', { name: /Cluster name/ })
      .fill('e2e-demo-fluidstack');
    await page.getByRole('button', { name: 'Attach cluster' }).click();
    const shape = page.getByRole('textbox', { name: 'GPU shape' });
    expect(await shape.inputValue()).toBe('B200x8');
    await shape.fill('B200x8,L40Sx4');
    const command = (await page
      .getByLabel('Simulated cluster command', { exact: true })
      .textContent())!;
    expect(command).toContain(
      `yarn demo:cluster --provider fluidstack --name e2e-demo-fluidstack --gpus B200x8,L40Sx4 --addons cert-manager,mpi-operator --portal ${portal.baseUrl} --token gfct_`,
    );
    await screenshot(page, 'gpu-fleet-attach-demo-cluster');

    // Run as a newcomer would; nothing in it needs a shell's quoting.
    expect(command).not.toMatch(/['"\\]/);
    const stop = new AbortController();
    const lines: string[] = [];
    const run = runDemoCluster(
      command.split(' ').slice(2),
      {
        out: line => lines.push(line),
        err: line => lines.push(line),
        dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-demo-cluster-')),
      },
      stop.signal,
    );
    try {
      await page
        .getByRole('link', { name: 'Open the page of e2e-demo-fluidstack' })
        .click();
      await page.waitForURL(/\/gpu-fleet\/clusters\/e2e-demo-fluidstack$/);
      await eventually(async () => {
        await page.reload();
        await page
          .getByText('Connected', { exact: true })
          .waitFor({ timeout: 5_000 });
      }, 60_000);
      await screenshot(page, 'gpu-fleet-demo-cluster-connected');

      await page.goto(
        `${portal.baseUrl}/gpu-fleet/capacity?provider=fluidstack`,
      );
      await eventually(async () => {
        const capacity = await api.capacity(
          'groupBy=provider,gpuType&provider=fluidstack',
        );
        expect(capacity.rows.map(r => [r.key.gpuType, r.total])).toEqual([
          ['B200', 16],
          ['L40S', 8],
        ]);
        expect(await figure(page, 'Total')).toBe('Total24');
        const body = await page.locator('main').textContent();
        expect(body).toContain('Fluidstack managed Kubernetes · B200');
        expect(body).toContain('16 free of 16 GPUs');
        expect(body).toContain('Fluidstack managed Kubernetes · L40S');
        expect(body).toContain('8 free of 8 GPUs');
      });
      await screenshot(page, 'gpu-fleet-demo-cluster-capacity');
    } finally {
      stop.abort();
      expect(await run).toBe(0);
    }
    expect(lines).toContainEqual(
      expect.stringMatching(/^ {2}✔ connected: watch e2e-demo-fluidstack at /),
    );
  });
});
