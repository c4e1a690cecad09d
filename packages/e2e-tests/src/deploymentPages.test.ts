import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DemoCluster, DemoFleet, startDemoFleet } from '@gpu-fleet/demo-fleet';
import { Browser, Page } from 'playwright-core';
import { fleetApi } from './fleetApi';
import { oidcPage } from './oidcSession';
import { openBrowser, Portal, screenshotDir, startPortal } from './portal';

jest.setTimeout(300_000);

const CLUSTER: DemoCluster = {
  name: 'e2e-deployments',
  scenario: 'lambda-h200.yaml',
  provider: 'lambda',
  displayName: 'E2E Lambda · H200',
  region: 'us-east-3',
  description: 'Simulated cluster the deployment pages test deploys to',
  port: 0,
};

async function screenshot(page: Page, name: string) {
  fs.mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({
    path: path.join(screenshotDir, `${name}.png`),
    fullPage: true,
  });
}

// Bob, an ML engineer signed in through the local IdP, deploys a vLLM
// service from the pages and follows it until it runs.
describe('deploying from the pages', () => {
  let portal: Portal;
  let fleet: DemoFleet;
  let browser: Browser;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gpu-fleet-dep-e2e-'));

  beforeAll(async () => {
    portal = await startPortal();
    fleet = await startDemoFleet({
      baseUrl: portal.baseUrl,
      apiToken: portal.apiToken,
      dataDir,
      clusters: [CLUSTER],
      anyPort: true,
    });
    await fleet.waitUntilConnected();
    const api = fleetApi(portal);
    await api.call('POST', '/workspaces', {
      name: 'ml-inference',
      cluster: CLUSTER.name,
      displayName: 'ML inference',
      defaults: {
        tolerations: [
          { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
        ],
        nodeSelector: {},
        priorityClassName: null,
        capacityType: null,
      },
      members: [{ ref: 'group:default/ml-research', role: 'deployer' }],
    });
    browser = await openBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await fleet?.stop();
    await portal?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates a one-GPU vLLM service from the form and shows it Running with its commit', async () => {
    const page = await oidcPage(browser, portal.baseUrl, 'bob');
    try {
      // The form's GPU types come from the cluster's inventory.
      for (let i = 0; i < 120; i++) {
        const inventory = await fleetApi(portal).call<{ nodes: unknown[] }>(
          'GET',
          `/clusters/${CLUSTER.name}/inventory`,
        );
        if (inventory.nodes.length > 0) break;
        await page.waitForTimeout(500);
      }
      await page.goto(
        `${portal.baseUrl}/gpu-fleet/deployments/new?workspace=ml-inference`,
      );
      await page.getByLabel('Name').waitFor({ timeout: 60_000 });
      // It picks the type with the most free GPUs once capacity has loaded.
      let gpuType = '';
      for (let i = 0; i < 120 && gpuType !== 'H200'; i++) {
        gpuType = await page.getByLabel('GPU type').inputValue();
        if (gpuType !== 'H200') await page.waitForTimeout(250);
      }
      expect(gpuType).toBe('H200');
      await page.getByLabel('Name').fill('llama-chat');
      await page.getByLabel('Model').fill('meta-llama/Llama-3.1-8B-Instruct');
      await page.getByRole('button', { name: 'Create deployment' }).click();
      await page.waitForURL(/\/deployments\/llama-chat$/, { timeout: 60_000 });
      await page
        .getByText(/^Running$/)
        .first()
        .waitFor({ timeout: 60_000 });
      await page.getByText('1/1 replicas ready').first().waitFor();
      await screenshot(page, 'deployment-running');

      const recorded = await fleetApi(portal).call<{ appliedCommit: string }>(
        'GET',
        '/workspaces/ml-inference/deployments/llama-chat',
      );
      expect(recorded).toMatchObject({
        createdBy: 'user:default/bob',
        delivery: { state: 'applied' },
        status: { phase: 'Running' },
      });
      // The page names the commit the cluster holds.
      await page
        .getByText(recorded.appliedCommit.slice(0, 7), { exact: true })
        .first()
        .waitFor();
    } finally {
      await page.context().close();
    }
  });
});
