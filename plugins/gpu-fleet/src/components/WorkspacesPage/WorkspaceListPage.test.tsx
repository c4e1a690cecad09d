import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  aWorkspace,
  fleetClusters,
  viewerAccess,
} from '../../__testUtils__/fixtures';
import { apiError, mockGpuFleetApi } from '../../__testUtils__/mockGpuFleetApi';
import { renderGpuFleetPage } from '../../__testUtils__/renderGpuFleetPage';
import { WorkspaceListPage } from './WorkspaceListPage';

// Here the caller may create workspaces; WorkspaceListPageReadOnly.test.tsx
// has the others (usePermission caches decisions for the whole module).
describe('WorkspaceListPage', () => {
  it("lists the caller's workspaces with cluster, quota, privileged and role", async () => {
    const api = mockGpuFleetApi({
      listWorkspaces: jest.fn(async () => [
        aWorkspace(),
        aWorkspace({
          name: 'inference',
          displayName: 'Inference',
          cluster: 'lambda-h200',
          namespace: 'serving',
          allowPrivileged: false,
          gpuQuota: [],
          access: { ...viewerAccess, deploy: true },
        }),
        aWorkspace({
          name: 'sandbox',
          displayName: 'Sandbox',
          access: viewerAccess,
        }),
      ]),
    });
    await renderGpuFleetPage(<WorkspaceListPage />, { api });

    const link = await screen.findByRole('link', { name: 'ml-training' });
    expect(link).toHaveAttribute('href', '/gpu-fleet/workspaces/ml-training');
    const cells = (name: string) =>
      [
        ...screen
          .getByRole('link', { name })
          .closest('tr')!
          .querySelectorAll('td'),
      ].map(c => c.textContent);
    expect(cells('ml-training')).toEqual([
      'ml-training',
      'ML training',
      'eks-p5',
      'ml-training',
      '8 × H200, 4 × H100',
      'yes',
      'admin',
    ]);
    expect(cells('inference')).toEqual([
      'inference',
      'Inference',
      'lambda-h200',
      'serving',
      'none',
      'no',
      'deployer',
    ]);
    expect(cells('sandbox')[6]).toBe('viewer');
    const row = link.closest('tr')!;
    expect(within(row).getByRole('link', { name: 'eks-p5' })).toHaveAttribute(
      'href',
      '/gpu-fleet/clusters/eks-p5',
    );
    expect(screen.getByText('Workspaces (3)')).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Create workspace' }),
    ).toBeInTheDocument();
  });

  it('creates a workspace, marks the fields the API refused, then opens the new workspace', async () => {
    const api = mockGpuFleetApi({
      listWorkspaces: jest.fn(async () => [aWorkspace()]),
      listClusters: jest.fn(async () => fleetClusters),
    });
    api.createWorkspace
      .mockRejectedValueOnce(
        await apiError(
          400,
          'InputError',
          'gpuQuota[0].count: Too big: expected number to be <=100000; members[0].ref: must be a full catalog ref of a user or group, e.g. user:default/bob or group:default/ml-research; workloadIdentity: is not a known field',
        ),
      )
      .mockResolvedValueOnce(aWorkspace({ name: 'ml-a' }));
    await renderGpuFleetPage(<WorkspaceListPage />, { api });
    const user = userEvent.setup();

    await user.click(
      await screen.findByRole('button', { name: 'Create workspace' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Create a workspace',
    });
    const form = within(dialog);
    await user.type(
      form.getByRole('textbox', { name: /^Name( \*)?$/ }),
      'ml-a',
    );
    const cluster = form.getByRole('combobox', { name: /^Cluster/ });
    // Detached clusters are not offered.
    expect(
      within(cluster)
        .getAllByRole('option')
        .map(o => o.textContent),
    ).toEqual([
      'Choose a cluster',
      'EKS p5 pool (eks-p5)',
      'EKS spot (eks-spot)',
      'CoreWeave H100 (coreweave-h100)',
      'Lambda H200 (lambda-h200)',
    ]);
    await user.selectOptions(cluster, 'coreweave-h100');
    await user.click(
      form.getByRole('checkbox', { name: 'Allow privileged (RDMA) pods' }),
    );
    await user.click(form.getByRole('button', { name: 'Add GPU type' }));
    await user.selectOptions(
      form.getByRole('combobox', { name: 'GPU type, row 1' }),
      'H200',
    );
    await user.type(
      form.getByRole('textbox', { name: 'Count, row 1' }),
      '1000000',
    );
    await user.click(form.getByRole('button', { name: 'Add toleration' }));
    await user.type(
      form.getByRole('textbox', { name: 'Key, row 1' }),
      'nvidia.com/gpu',
    );
    await user.click(form.getByRole('button', { name: 'Add member' }));
    await user.type(
      form.getByRole('textbox', { name: 'User or group, row 1' }),
      'bob',
    );
    await user.selectOptions(
      form.getByRole('combobox', { name: 'Role, row 1' }),
      'deployer',
    );
    await user.click(form.getByRole('button', { name: 'Create workspace' }));

    expect(api.createWorkspace).toHaveBeenCalledWith({
      name: 'ml-a',
      cluster: 'coreweave-h100',
      allowPrivileged: true,
      gpuQuota: [{ gpuType: 'H200', count: 1000000 }],
      defaults: {
        tolerations: [
          { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
        ],
        nodeSelector: {},
        priorityClassName: null,
        capacityType: null,
      },
      workloadIdentity: {},
      members: [{ ref: 'bob', role: 'deployer' }],
    });
    const count = form.getByRole('textbox', { name: 'Count, row 1' });
    await waitFor(() => expect(count).toHaveAttribute('aria-invalid', 'true'));
    expect(count).toHaveAccessibleDescription(
      'Too big: expected number to be <=100000',
    );
    expect(
      form.getByRole('textbox', { name: 'User or group, row 1' }),
    ).toHaveAccessibleDescription(/must be a full catalog ref/);
    const alert = form.getByRole('alert');
    expect(alert).toHaveTextContent('The workspace was not created.');
    // A field the form has no input for is named as the API named it.
    expect(alert).toHaveTextContent('workloadIdentity: is not a known field');
    expect(alert).toHaveTextContent('Fix the 2 problems marked above.');
    expect(screen.getByLabelText('current location')).toHaveTextContent(/^\/$/);

    await user.clear(count);
    await user.type(count, '8');
    await user.clear(
      form.getByRole('textbox', { name: 'User or group, row 1' }),
    );
    await user.type(
      form.getByRole('textbox', { name: 'User or group, row 1' }),
      'user:default/bob',
    );
    await user.click(form.getByRole('button', { name: 'Create workspace' }));
    expect(api.createWorkspace).toHaveBeenLastCalledWith(
      expect.objectContaining({
        gpuQuota: [{ gpuType: 'H200', count: 8 }],
        members: [{ ref: 'user:default/bob', role: 'deployer' }],
      }),
    );
    await waitFor(() =>
      expect(screen.getByLabelText('current location')).toHaveTextContent(
        '/gpu-fleet/workspaces/ml-a',
      ),
    );
  });

  it('checks GPU counts before asking the API', async () => {
    const api = mockGpuFleetApi({
      listWorkspaces: jest.fn(async () => []),
      listClusters: jest.fn(async () => fleetClusters),
    });
    await renderGpuFleetPage(<WorkspaceListPage />, { api });
    const user = userEvent.setup();
    await user.click(
      await screen.findByRole('button', { name: 'Create workspace' }),
    );
    const form = within(await screen.findByRole('dialog'));
    await user.click(form.getByRole('button', { name: 'Add GPU type' }));
    await user.type(form.getByRole('textbox', { name: 'Count, row 1' }), 'x');
    await user.click(form.getByRole('button', { name: 'Create workspace' }));
    expect(
      form.getByRole('textbox', { name: 'Count, row 1' }),
    ).toHaveAccessibleDescription('must be a whole number of GPUs');
    expect(api.createWorkspace).not.toHaveBeenCalled();

    await user.click(form.getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('invites a creator to make the first workspace', async () => {
    const api = mockGpuFleetApi({ listWorkspaces: jest.fn(async () => []) });
    await renderGpuFleetPage(<WorkspaceListPage />, { api });
    expect(
      await screen.findByText('You have no workspaces yet'),
    ).toBeInTheDocument();
    expect(screen.getByText(/Create the first one/)).toBeInTheDocument();
    expect(
      screen.getAllByRole('button', { name: 'Create workspace' }),
    ).toHaveLength(1);
  });
});
