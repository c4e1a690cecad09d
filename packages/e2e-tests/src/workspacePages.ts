import { Page } from 'playwright-core';

/** The buttons that change or remove a workspace, as its page labels them. */
export const WORKSPACE_CONTROLS = [
  'Edit members',
  'Edit settings',
  'Delete workspace',
] as const;

const CREATE_PERMISSION = 'gpu-fleet.workspace.create';

/**
 * The permission backend's answer to the page's "may I create workspaces?"
 * question. Call before navigating; once it is in, the page's Create button
 * has its final state, so its absence can be asserted without guessing.
 */
export async function createDecision(page: Page): Promise<string> {
  const response = await page.waitForResponse(
    r =>
      r.url().endsWith('/api/permission/authorize') &&
      (r.request().postData() ?? '').includes(CREATE_PERMISSION),
    { timeout: 60_000 },
  );
  const sent = response.request().postDataJSON() as {
    items: Array<{ id: string; permission: { name: string } }>;
  };
  const { id } = sent.items.find(i => i.permission.name === CREATE_PERMISSION)!;
  const answer = (await response.json()) as {
    items: Array<{ id: string; result: string }>;
  };
  return answer.items.find(i => i.id === id)!.result;
}

/** Each workspace the list page shows, with the "Your role" it shows for it. */
export async function listedWorkspaces(
  page: Page,
): Promise<Record<string, string>> {
  await page
    .getByRole('heading', { name: /^Workspaces \(\d+\)$/ })
    .waitFor({ timeout: 60_000 });
  const headers = await page.locator('main table thead th').allTextContents();
  const nameColumn = headers.indexOf('Name');
  const roleColumn = headers.indexOf('Your role');
  if (nameColumn < 0 || roleColumn < 0) {
    throw new Error(`the workspace table has columns ${headers.join(', ')}`);
  }
  const rows = await page
    .locator('main table tbody tr')
    .evaluateAll(trs =>
      trs.map(tr =>
        Array.from(tr.querySelectorAll('td'), td => td.textContent ?? ''),
      ),
    );
  return Object.fromEntries(
    rows.map(cells => [cells[nameColumn], cells[roleColumn]]),
  );
}

/**
 * Opens a workspace's page and waits until it shows the caller's role, which
 * comes in the same answer that decides the page's controls.
 */
export async function openWorkspace(
  page: Page,
  baseUrl: string,
  name: string,
): Promise<{ role: string; controls: string[] }> {
  await page.goto(`${baseUrl}/gpu-fleet/workspaces/${name}`);
  const role = page.locator(
    'dl[aria-label="Workspace"] dt:text-is("Your role") + dd',
  );
  await role.waitFor({ timeout: 60_000 });
  const controls: string[] = [];
  for (const label of WORKSPACE_CONTROLS) {
    const button = page.getByRole('button', { name: label, exact: true });
    if ((await button.count()) > 0 && (await button.isVisible())) {
      controls.push(label);
    }
  }
  return { role: (await role.textContent()) ?? '', controls };
}
