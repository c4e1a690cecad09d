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
  name: 'e2e-kubernetes-tab',
  scenario: 'lambda-h200.yaml',
  provider: 'lambda',
  displayName: 'E2E Lambda · H200',
  region: 'us-east-3',
  description: 'Simulated cluster the Kubernetes tab test deploys to',
  port: 0,
};
const WORKSPACE = 'ml-inference';
const DEPLOYMENT = 'llama-chat';

async function screenshot(page: Page, name: string) {
  fs.mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({
    path: path.join(screenshotDir, `${name}.png`),
    fullPage: true,
  });
}

/** Calls the portal's REST API from the page, with the signed-in person's own token. */
async function asSignedIn(
  page: Page,
  method: string,
  route: string,
  body?: unknown,
) {
  return page.evaluate(
    async ({ method: m, route: r, body: b }) => {
      const session = await fetch(
        '/api/auth/oidc/refresh?optional&env=development',
        {
          headers: { 'x-requested-with': 'XMLHttpRequest' },
          credentials: 'include',
        },
      ).then(res => res.json());
      const res = await fetch(r, {
        method: m,
        headers: {
          authorization: `Bearer ${session.backstageIdentity.token}`,
          'content-type': 'application/json',
        },
        body: b === undefined ? undefined : JSON.stringify(b),
      });
      return { status: res.status, text: await res.text() };
    },
    { method, route, body },
  );
}

// Bob, a deployer in the workspace, deploys a vLLM service and finds its
// pods, their logs and events on the stock Kubernetes tab of its Component.
describe('the Kubernetes tab of a GPU Fleet workload', () => {
  let portal: Portal;
  let fleet: DemoFleet;
  let browser: Browser;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gpu-fleet-k8s-e2e-'));

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
    await fleetApi(portal).call('POST', '/workspaces', {
      name: WORKSPACE,
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

  it('shows a deployer the pods of the deployment they made, with logs and events', async () => {
    const page = await oidcPage(browser, portal.baseUrl, 'bob');
    try {
      // Placement needs the cluster's GPU inventory.
      for (let i = 0; i < 120; i++) {
        const inventory = await fleetApi(portal).call<{ nodes: unknown[] }>(
          'GET',
          `/clusters/${CLUSTER.name}/inventory`,
        );
        if (inventory.nodes.length > 0) break;
        await page.waitForTimeout(500);
      }
      const created = await asSignedIn(
        page,
        'POST',
        '/api/gpu-fleet/deployments',
        {
          kind: 'Service',
          template: 'vllm',
          name: DEPLOYMENT,
          workspace: WORKSPACE,
          image: 'vllm/vllm-openai:v0.6.4',
          model: 'meta-llama/Llama-3.1-8B-Instruct',
          resources: {
            gpu: { type: 'H200', count: 1 },
            cpu: '8',
            memory: '64Gi',
          },
          replicas: { min: 1, max: 1 },
        },
      );
      expect(created.status).toBe(201);
      expect(JSON.parse(created.text)).toMatchObject({
        createdBy: 'user:default/bob',
      });

      const simulator = fleet.clusters[0].simulator;
      const running = () =>
        simulator.store
          .listObjects('v1', 'Pod', WORKSPACE)
          .filter(
            pod =>
              pod.metadata.labels?.['gpu-fleet.io/deployment'] === DEPLOYMENT &&
              (pod.status as { phase?: string } | undefined)?.phase ===
                'Running',
          );
      for (let i = 0; i < 120 && running().length === 0; i++) {
        await page.waitForTimeout(500);
      }
      const [pod] = running();
      expect(pod).toBeDefined();
      const podName = pod.metadata.name!;
      simulator.appendPodLog(
        WORKSPACE,
        podName,
        undefined,
        'INFO: Uvicorn running on http://0.0.0.0:8000',
      );

      // GPU Fleet's catalog module describes the deployment as a Component
      // in its workspace's namespace, annotated for the Kubernetes tab.
      for (let i = 0; i < 120; i++) {
        const entity = await fetch(
          `${portal.baseUrl}/api/catalog/entities/by-name/component/${WORKSPACE}/${DEPLOYMENT}`,
          { headers: { authorization: `Bearer ${portal.apiToken}` } },
        );
        if (entity.ok) break;
        await page.waitForTimeout(500);
      }
      await page.goto(
        `${portal.baseUrl}/catalog/${WORKSPACE}/component/${DEPLOYMENT}/kubernetes`,
      );
      // The cluster's accordion, titled with its display name, holds the pod.
      await page
        .getByText(CLUSTER.displayName, { exact: true })
        .first()
        .waitFor({ timeout: 90_000 });
      // Open the cluster, then its Deployment's pods.
      await page
        .getByText(CLUSTER.displayName, { exact: true })
        .first()
        .click();
      await page.getByText('1 pod', { exact: true }).nth(1).click();
      await page.getByText(podName).first().waitFor({ timeout: 60_000 });
      // Every object type the tab lists was allowed and served, and the pod is well.
      await page.getByText('No pods with errors').first().waitFor();
      expect(
        await page
          .getByText('There was a problem retrieving Kubernetes objects')
          .count(),
      ).toBe(0);
      expect(await page.getByText('Error Reporting').count()).toBe(0);
      await screenshot(page, 'kubernetes-tab');

      // The pod's drawer, with its container's logs.
      await page.getByText(podName).first().click();
      await page.getByRole('button', { name: /logs/i }).first().click();
      await page
        .getByText('INFO: Uvicorn running on http://0.0.0.0:8000')
        .first()
        .waitFor({ timeout: 30_000 });
      await screenshot(page, 'kubernetes-tab-logs');

      // The tab shows a pod's events when it finds something wrong with it.
      // The simulator's kubelet never fails a probe, so the failure is set
      // on the simulated cluster: the server stopped answering readiness.
      const startedAt = new Date(Date.now() - 10 * 60_000).toISOString();
      const [container] = (pod.status as any).containerStatuses;
      simulator.store.patchObject(
        'v1',
        'Pod',
        podName,
        WORKSPACE,
        {
          status: {
            containerStatuses: [
              { ...container, ready: false, state: { running: { startedAt } } },
            ],
          },
        },
        { subresource: 'status' },
      );
      simulator.store.createObject({
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: `${podName}.unhealthy`, namespace: WORKSPACE },
        involvedObject: { kind: 'Pod', name: podName, namespace: WORKSPACE },
        reason: 'Unhealthy',
        message:
          'Readiness probe failed: HTTP probe failed with statuscode: 503',
        type: 'Warning',
        count: 3,
        firstTimestamp: startedAt,
        lastTimestamp: new Date().toISOString(),
      });
      await page.reload();
      await page
        .getByText(
          `The container ${container.name} failed to start properly, but is not crashing`,
        )
        .first()
        .waitFor({ timeout: 60_000 });
      await page.getByText(CLUSTER.displayName, { exact: true }).last().click();
      await page.getByText('1 pod', { exact: true }).nth(1).click();
      await page.getByText(podName).last().click();
      await page.getByText('Help', { exact: true }).first().click();
      await page
        .getByText(
          'Readiness probe failed: HTTP probe failed with statuscode: 503',
        )
        .first()
        .waitFor({ timeout: 30_000 });
      await screenshot(page, 'kubernetes-tab-events');
    } finally {
      await page.context().close();
    }
  });
});
