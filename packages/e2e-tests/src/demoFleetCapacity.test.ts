import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DemoFleet, startDemoFleet } from '@gpu-fleet/demo-fleet';
import { Browser, Page } from 'playwright-core';
import { fleetApi } from './fleetApi';
import { guestPage } from './guestSession';
import {
  openBrowser,
  Portal,
  repoRoot,
  screenshotDir,
  startPortal,
} from './portal';
import { eventually } from './eventually';

jest.setTimeout(300_000);

const execFileAsync = promisify(execFile);

/** GPUs per provider and type in the four simulated scenarios, counted by hand. */
const SIMULATED = [
  { provider: 'coreweave', gpuType: 'H100', total: 32, allocated: 18 },
  { provider: 'lambda', gpuType: 'H200', total: 16, allocated: 8 },
  { provider: 'eks', gpuType: 'H100', total: 24, allocated: 12 },
  { provider: 'oke', gpuType: 'H100', total: 32, allocated: 16 },
];

const TITLES: Record<string, string> = {
  coreweave: 'CoreWeave CKS',
  lambda: 'Lambda managed Kubernetes',
  eks: 'Amazon EKS',
  oke: 'Oracle OKE',
};

/** The allocated-vs-free bars, as assistive technology reads them. */
const barLabels = (page: Page) =>
  page
    .locator('main [role=img]')
    .evaluateAll(els => els.map(e => e.getAttribute('aria-label')));

describe('the demo fleet on the capacity page', () => {
  let portal: Portal;
  let fleet: DemoFleet;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    portal = await startPortal();
    fleet = await startDemoFleet({
      baseUrl: portal.baseUrl,
      apiToken: portal.apiToken,
      dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'gpu-fleet-demo-e2e-')),
      anyPort: true,
    });
    await fleet.waitUntilConnected();
    browser = await openBrowser();
    page = await guestPage(browser, portal.baseUrl);
  });

  afterAll(async () => {
    await browser?.close();
    await fleet?.stop();
    await portal?.stop();
  });

  it('shows H100 and H200 per provider with the simulated clusters’ totals, and follows an allocation within seconds', async () => {
    const api = fleetApi(portal);
    await eventually(async () => {
      const capacity = await api.capacity('groupBy=provider,gpuType');
      expect(
        capacity.rows.map(r => ({
          provider: r.key.provider,
          gpuType: r.key.gpuType,
          total: r.total,
          allocated: r.allocated,
        })),
      ).toEqual(expect.arrayContaining(SIMULATED));
    }, 30_000);

    await page.goto(`${portal.baseUrl}/gpu-fleet/capacity`);
    const matrix = page.getByRole('table', {
      name: 'GPUs by provider and GPU type',
    });
    await matrix.waitFor();
    const capacity = await api.capacity('groupBy=provider,gpuType');
    await eventually(async () => {
      const bars = await barLabels(page);
      for (const row of capacity.rows) {
        expect(bars).toContain(
          `${TITLES[row.key.provider]} · ${row.key.gpuType}: ${
            row.allocated
          } allocated, ${row.free} free of ${row.total} GPUs`,
        );
      }
    }, 15_000);
    fs.mkdirSync(screenshotDir, { recursive: true });
    await page.screenshot({
      path: path.join(screenshotDir, 'demo-fleet-capacity.png'),
      fullPage: true,
    });

    // Someone takes the 8 free H100s of an on-demand p5 node on the EKS cluster.
    const eks = fleet.clusters.find(c => c.cluster.name === 'eks-p5')!;
    // Asynchronously: the simulator answering kubectl runs in this process.
    await execFileAsync('kubectl', [
      '--kubeconfig',
      eks.kubeconfig,
      'apply',
      '-f',
      path.join(repoRoot, 'examples/demo/allocate-gpus.yaml'),
    ]);
    await eventually(async () => {
      expect(await barLabels(page)).toContain(
        'Amazon EKS · H100: 20 allocated, 4 free of 24 GPUs',
      );
    }, 15_000);
    await page.screenshot({
      path: path.join(screenshotDir, 'demo-fleet-capacity-allocated.png'),
      fullPage: true,
    });
  });
});
