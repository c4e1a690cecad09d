import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DemoCluster, DemoFleet, startDemoFleet } from '@gpu-fleet/demo-fleet';
import { Browser, Page } from 'playwright-core';
import { fleetApi } from './fleetApi';
import { oidcPage } from './oidcSession';
import { openBrowser, Portal, screenshotDir, startPortal } from './portal';
import {
  createDecision,
  listedWorkspaces,
  openWorkspace,
  WORKSPACE_CONTROLS,
} from './workspacePages';

jest.setTimeout(300_000);

/** One simulated Lambda cluster on a free port, under a name of this test's own. */
const CLUSTER: DemoCluster = {
  name: 'e2e-workspaces',
  scenario: 'lambda-h200.yaml',
  provider: 'lambda',
  displayName: 'E2E Lambda · H200',
  region: 'us-east-3',
  description: 'Simulated cluster the workspace access test creates into',
  port: 0,
};

async function screenshot(page: Page, name: string) {
  fs.mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({
    path: path.join(screenshotDir, `${name}.png`),
    fullPage: true,
  });
}

// Demo people signed in through the local IdP see the workspaces, roles and
// controls the default policy gives them (examples/catalog/org.yaml).
describe('workspaces as different demo users see them', () => {
  let portal: Portal;
  let fleet: DemoFleet;
  let browser: Browser;
  // The simulator's kubeconfig and the agent's log.
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gpu-fleet-ws-e2e-'));

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
    // Created through the tunnel by the portal's service principal.
    const api = fleetApi(portal);
    await api.call('POST', '/workspaces', {
      name: 'ml-inference',
      cluster: CLUSTER.name,
      displayName: 'ML inference',
      members: [
        { ref: 'group:default/ml-research', role: 'deployer' },
        { ref: 'user:default/carol', role: 'viewer' },
      ],
    });
    await api.call('POST', '/workspaces', {
      name: 'other-team',
      cluster: CLUSTER.name,
      displayName: 'Other team',
    });
    browser = await openBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await fleet?.stop();
    await portal?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** The workspace list as one person sees it, once their rights are known. */
  async function workspacesAs(user: string) {
    const page = await oidcPage(browser, portal.baseUrl, user);
    const decision = createDecision(page);
    await page.goto(`${portal.baseUrl}/gpu-fleet/workspaces`);
    return { page, canCreate: await decision };
  }

  const createButton = (page: Page) =>
    page.getByRole('button', { name: 'Create workspace', exact: true });

  it('shows bob, through his team inside ml-research, ml-inference as deployer and nothing to change', async () => {
    const { page, canCreate } = await workspacesAs('bob');
    expect(await listedWorkspaces(page)).toEqual({
      'ml-inference': 'deployer',
    });
    expect(canCreate).toBe('DENY');
    expect(await createButton(page).count()).toBe(0);
    await screenshot(page, 'workspaces-bob');

    expect(await openWorkspace(page, portal.baseUrl, 'ml-inference')).toEqual({
      role: 'deployer',
      controls: [],
    });
    await screenshot(page, 'workspace-ml-inference-bob');
    await page.context().close();
  });

  it('shows carol ml-inference as viewer and nothing to change', async () => {
    const { page, canCreate } = await workspacesAs('carol');
    expect(await listedWorkspaces(page)).toEqual({
      'ml-inference': 'viewer',
    });
    expect(canCreate).toBe('DENY');
    expect(await createButton(page).count()).toBe(0);
    await screenshot(page, 'workspaces-carol');

    expect(await openWorkspace(page, portal.baseUrl, 'ml-inference')).toEqual({
      role: 'viewer',
      controls: [],
    });
    await screenshot(page, 'workspace-ml-inference-carol');
    await page.context().close();
  });

  it('shows alice, a fleet admin, every workspace with the controls to create, edit and delete', async () => {
    const { page, canCreate } = await workspacesAs('alice');
    expect(await listedWorkspaces(page)).toEqual({
      'ml-inference': 'admin',
      'other-team': 'admin',
    });
    expect(canCreate).toBe('ALLOW');
    await createButton(page).waitFor();
    await screenshot(page, 'workspaces-alice');

    expect(await openWorkspace(page, portal.baseUrl, 'ml-inference')).toEqual({
      role: 'admin',
      controls: [...WORKSPACE_CONTROLS],
    });
    await screenshot(page, 'workspace-ml-inference-alice');
    await page.context().close();
  });

  it('shows dave, in no workspace, the empty state and no way to create one', async () => {
    const { page, canCreate } = await workspacesAs('dave');
    await page
      .getByText('You have no workspaces yet', { exact: true })
      .waitFor({ timeout: 60_000 });
    await page
      .getByText('ask one to add you to yours', { exact: false })
      .waitFor();
    expect(canCreate).toBe('DENY');
    expect(await createButton(page).count()).toBe(0);
    expect(await page.locator('main table').count()).toBe(0);
    await screenshot(page, 'workspaces-dave');
    await page.context().close();
  });
});
