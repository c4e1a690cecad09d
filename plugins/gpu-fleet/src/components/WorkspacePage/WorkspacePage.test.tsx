import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router-dom';
import {
  aDeployment,
  pendingStatus,
} from '../../__testUtils__/deploymentFixtures';
import {
  aCluster,
  aNamespaceState,
  aWorkspace,
  viewerAccess,
} from '../../__testUtils__/fixtures';
import { apiError, mockGpuFleetApi } from '../../__testUtils__/mockGpuFleetApi';
import { renderGpuFleetPage } from '../../__testUtils__/renderGpuFleetPage';
import { WorkspacePage } from './WorkspacePage';

const page = (
  <Routes>
    <Route path="/gpu-fleet/workspaces/:name" element={<WorkspacePage />} />
  </Routes>
);
const url = '/gpu-fleet/workspaces/ml-training';

function workspaceApi(workspace = aWorkspace(), cluster = aCluster()) {
  return mockGpuFleetApi({
    getWorkspace: jest.fn(async () => workspace),
    getWorkspaceNamespace: jest.fn(async () => aNamespaceState()),
    getCluster: jest.fn(async () => cluster),
    listDeployments: jest.fn(async () => [
      aDeployment({ status: pendingStatus }),
    ]),
  });
}

/** The terms and values of the fact list named `label`. */
function factsOf(label: string) {
  const list = screen.getByLabelText(label, { selector: 'dl' });
  return Object.fromEntries(
    within(list)
      .getAllByRole('term')
      .map(term => [term.textContent, term.nextElementSibling?.textContent]),
  );
}

describe('WorkspacePage', () => {
  it('shows members, defaults, quota against use, the namespace and its ServiceAccount', async () => {
    const api = workspaceApi();
    await renderGpuFleetPage(page, { api, url });

    expect(
      await screen.findByRole('heading', { name: 'ML training', level: 1 }),
    ).toBeInTheDocument();
    expect(api.getWorkspace).toHaveBeenCalledWith('ml-training');
    expect(api.getWorkspaceNamespace).toHaveBeenCalledWith('ml-training');
    await waitFor(() => expect(api.getCluster).toHaveBeenCalledWith('eks-p5'));

    expect(await screen.findByText('Amazon EKS')).toBeInTheDocument();
    expect(factsOf('Workspace')).toMatchObject({
      Cluster: 'EKS p5 pool',
      Provider: 'Amazon EKS',
      Namespace: 'ml-training',
      'Your role': 'admin',
    });
    expect(screen.getByRole('link', { name: 'EKS p5 pool' })).toHaveAttribute(
      'href',
      '/gpu-fleet/clusters/eks-p5',
    );

    const members = screen.getByRole('table', { name: 'Members' });
    expect(
      within(members)
        .getAllByRole('row')
        .slice(1)
        .map(r => r.textContent),
    ).toEqual(['group:default/ml-researchdeployer', 'user:default/caroladmin']);

    expect(factsOf('Defaults')).toEqual({
      Tolerations: 'nvidia.com/gpu exists, NoSchedule',
      'Node selector': 'gpu-fleet.io/nodepool=p5-on-demand',
      'Priority class': 'training',
      'Capacity type': 'on-demand',
      'Privileged (RDMA) pods': 'yes',
    });

    expect(screen.getByText('8 × H200, 4 × H100')).toBeInTheDocument();
    expect(
      await screen.findByRole('img', { name: /^NVIDIA GPUs:/ }),
    ).toHaveAccessibleName('NVIDIA GPUs: 9 allocated, 3 free of 12 GPUs');
    expect(screen.queryByRole('img', { name: /^AMD GPUs:/ })).toBeNull();

    expect(factsOf('Namespace state')).toEqual({
      Namespace: 'ml-training',
      Exists: 'yes',
      Phase: 'Active',
      'Pod Security level': 'privileged',
    });
    expect(factsOf('Workload ServiceAccount')).toEqual({
      Name: 'gpu-fleet-workload',
      Namespace: 'ml-training',
      Exists: 'yes',
      'Identity annotations':
        'eks.amazonaws.com/role-arn=arn:aws:iam::123456789012:role/ml-training',
    });
    // Not an OKE cluster: no IAM policy to paste.
    expect(screen.queryByText('OCI workload identity')).toBeNull();

    for (const name of ['Edit members', 'Edit settings', 'Delete workspace']) {
      expect(screen.getByRole('button', { name })).toBeInTheDocument();
    }
  });

  it("lists the workspace's deployments and offers a new one to those who may deploy", async () => {
    const api = workspaceApi();
    await renderGpuFleetPage(page, { api, url });

    expect(
      await screen.findByRole('link', { name: 'llama-3-8b-chat' }),
    ).toHaveAttribute(
      'href',
      '/gpu-fleet/workspaces/ml-training/deployments/llama-3-8b-chat',
    );
    expect(api.listDeployments).toHaveBeenCalledWith({
      workspace: 'ml-training',
    });
    const row = screen
      .getByRole('link', { name: 'llama-3-8b-chat' })
      .closest('tr')!;
    expect(
      within(row)
        .getAllByRole('cell')
        .map(c => c.textContent)
        .slice(0, 6),
    ).toEqual([
      'llama-3-8b-chat',
      'eks-p5',
      'vllm',
      '1 × H100',
      'Pending',
      '1 of 1 pod Pending: 0/4 nodes are available: 4 Insufficient nvidia.com/gpu.',
    ]);
    expect(
      screen.getByRole('link', { name: 'New deployment' }),
    ).toHaveAttribute(
      'href',
      '/gpu-fleet/deployments/new?workspace=ml-training',
    );
  });

  it('gives a viewer a read-only page with no editing controls at all', async () => {
    const api = workspaceApi(aWorkspace({ access: viewerAccess }));
    await renderGpuFleetPage(page, { api, url });
    expect(
      await screen.findByRole('table', { name: 'Members' }),
    ).toBeInTheDocument();
    expect(factsOf('Workspace')['Your role']).toBe('viewer');
    expect(
      await screen.findByRole('link', { name: 'llama-3-8b-chat' }),
    ).toBeInTheDocument();
    expect(screen.queryAllByRole('button')).toEqual([]);
    expect(screen.queryByRole('link', { name: 'New deployment' })).toBeNull();
  });

  it('lets a workspace admin who may not delete edit, but not delete', async () => {
    const api = workspaceApi(
      aWorkspace({
        access: { read: true, deploy: true, administer: true, delete: false },
      }),
    );
    await renderGpuFleetPage(page, { api, url });
    expect(
      await screen.findByRole('button', { name: 'Edit members' }),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Delete workspace' }),
    ).toBeNull();
  });

  it('saves members and reads the workspace again', async () => {
    const api = workspaceApi();
    api.updateWorkspace.mockResolvedValue(aWorkspace());
    await renderGpuFleetPage(page, { api, url });
    const user = userEvent.setup();

    await user.click(
      await screen.findByRole('button', { name: 'Edit members' }),
    );
    const form = within(
      await screen.findByRole('dialog', { name: 'Members of ml-training' }),
    );
    expect(
      form.getByRole('textbox', { name: 'User or group, row 2' }),
    ).toHaveValue('user:default/carol');
    await user.click(
      form.getByRole('button', {
        name: 'Remove member row 1 (group:default/ml-research)',
      }),
    );
    await user.click(form.getByRole('button', { name: 'Add member' }));
    await user.type(
      form.getByRole('textbox', { name: 'User or group, row 2' }),
      'group:default/ml-platform',
    );
    await user.selectOptions(
      form.getByRole('combobox', { name: 'Role, row 2' }),
      'viewer',
    );
    await user.click(form.getByRole('button', { name: 'Save members' }));

    expect(api.updateWorkspace).toHaveBeenCalledWith('ml-training', {
      members: [
        { ref: 'user:default/carol', role: 'admin' },
        { ref: 'group:default/ml-platform', role: 'viewer' },
      ],
    });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    await waitFor(() => expect(api.getWorkspace).toHaveBeenCalledTimes(2));
  });

  it('saves settings and shows the field the API refused beside its input', async () => {
    const api = workspaceApi();
    api.updateWorkspace.mockRejectedValueOnce(
      await apiError(
        400,
        'InputError',
        'defaults.priorityClassName: must be a DNS-1123 subdomain; workloadIdentity.awsRoleArn: must be an IAM role ARN',
      ),
    );
    await renderGpuFleetPage(page, { api, url });
    const user = userEvent.setup();

    await user.click(
      await screen.findByRole('button', { name: 'Edit settings' }),
    );
    const form = within(
      await screen.findByRole('dialog', { name: 'Settings of ml-training' }),
    );
    // The cluster is on EKS: its identity field, and no other provider's.
    expect(form.getByRole('textbox', { name: 'IAM role ARN' })).toHaveValue(
      'arn:aws:iam::123456789012:role/ml-training',
    );
    expect(form.queryByRole('textbox', { name: 'Cluster OCID' })).toBeNull();

    const priority = form.getByRole('textbox', { name: 'Priority class' });
    await user.clear(priority);
    await user.type(priority, 'Not_Valid');
    await user.selectOptions(
      form.getByRole('combobox', { name: 'Capacity type' }),
      'spot',
    );
    await user.click(form.getByRole('button', { name: 'Add node label' }));
    await user.type(
      form.getByRole('textbox', { name: 'Label, row 2' }),
      'zone',
    );
    await user.type(form.getByRole('textbox', { name: 'Value, row 2' }), 'a');
    await user.click(form.getByRole('button', { name: 'Save settings' }));

    expect(api.updateWorkspace).toHaveBeenCalledWith('ml-training', {
      displayName: 'ML training',
      description: 'Pre-training runs of the research team',
      allowPrivileged: true,
      gpuQuota: [
        { gpuType: 'H200', count: 8 },
        { gpuType: 'H100', count: 4 },
      ],
      defaults: {
        tolerations: [
          { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
        ],
        nodeSelector: { 'gpu-fleet.io/nodepool': 'p5-on-demand', zone: 'a' },
        priorityClassName: 'Not_Valid',
        capacityType: 'spot',
      },
      workloadIdentity: {
        awsRoleArn: 'arn:aws:iam::123456789012:role/ml-training',
      },
    });
    await waitFor(() =>
      expect(priority).toHaveAccessibleDescription(
        'must be a DNS-1123 subdomain',
      ),
    );
    expect(
      form.getByRole('textbox', { name: 'IAM role ARN' }),
    ).toHaveAccessibleDescription('must be an IAM role ARN');
    expect(form.getByRole('alert')).toHaveTextContent(
      'The settings were not saved.Fix the 2 problems marked above.',
    );
  });

  it('deletes after confirmation and returns to the list; says why when refused', async () => {
    const api = workspaceApi();
    api.deleteWorkspace.mockRejectedValueOnce(
      await apiError(
        409,
        'ConflictError',
        "workspace 'ml-training' still has deployments (llama-3-8b-chat): delete them first",
      ),
    );
    await renderGpuFleetPage(page, { api, url });
    const user = userEvent.setup();

    await user.click(
      await screen.findByRole('button', { name: 'Delete workspace' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Delete workspace ml-training?',
    });
    expect(dialog).toHaveTextContent(
      'Namespace ml-training on cluster eks-p5 is deleted with everything in it',
    );
    expect(api.deleteWorkspace).not.toHaveBeenCalled();
    await user.click(
      within(dialog).getByRole('button', { name: 'Delete workspace' }),
    );
    expect(await screen.findByRole('alert')).toHaveTextContent(
      "The workspace was not deleted: workspace 'ml-training' still has deployments (llama-3-8b-chat): delete them first",
    );

    api.deleteWorkspace.mockResolvedValueOnce(undefined);
    await user.click(screen.getByRole('button', { name: 'Delete workspace' }));
    await user.click(
      within(await screen.findByRole('dialog')).getByRole('button', {
        name: 'Delete workspace',
      }),
    );
    await waitFor(() =>
      expect(screen.getByLabelText('current location')).toHaveTextContent(
        /^\/gpu-fleet\/workspaces$/,
      ),
    );
    expect(api.deleteWorkspace).toHaveBeenCalledTimes(2);
  });

  it('on OKE, gives the IAM policy statement to paste and says where workload identity works', async () => {
    const api = workspaceApi(
      aWorkspace({
        cluster: 'oke-bm-h100',
        workloadIdentity: {
          ociClusterId: 'ocid1.cluster.oc1.iad.aaaa',
          ociCompartment: 'ml',
        },
      }),
      aCluster({ name: 'oke-bm-h100', displayName: 'OKE', provider: 'oke' }),
    );
    await renderGpuFleetPage(page, { api, url });
    expect(
      await screen.findByLabelText('IAM policy statement'),
    ).toHaveTextContent(
      "Allow any-user to read objects in compartment ml where all {request.principal.type='workload', request.principal.namespace='ml-training', request.principal.service_account='gpu-fleet-workload', request.principal.cluster_id='ocid1.cluster.oc1.iad.aaaa'}",
    );
    expect(
      screen.getByRole('button', { name: 'Copy IAM policy statement' }),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        /works only on Enhanced clusters, and only for workloads that call OCI through the OCI SDKs/,
      ),
    ).toBeInTheDocument();
  });

  it('says the cluster is unreachable, and shows the configured identity instead', async () => {
    const api = workspaceApi();
    api.getWorkspaceNamespace.mockResolvedValue(
      aNamespaceState({
        reachable: false,
        message: "cluster 'eks-p5' is not connected",
        quota: [],
        namespace: { exists: false, phase: null, podSecurity: null },
      }),
    );
    await renderGpuFleetPage(page, { api, url });
    expect(
      await screen.findByText(
        "Cluster eks-p5 cannot be reached, so the namespace's state is unknown: cluster 'eks-p5' is not connected",
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Use cannot be read while the cluster is unreachable.'),
    ).toBeInTheDocument();
    await waitFor(() =>
      expect(factsOf('Workload ServiceAccount')).toEqual({
        Name: 'gpu-fleet-workload',
        Namespace: 'ml-training',
        'Identity annotations (configured)':
          'eks.amazonaws.com/role-arn=arn:aws:iam::123456789012:role/ml-training',
      }),
    );
  });

  it('says when there is no such workspace', async () => {
    const api = workspaceApi();
    api.getWorkspace.mockRejectedValue(
      await apiError(404, 'NotFoundError', "workspace 'nope' not found"),
    );
    api.getWorkspaceNamespace.mockRejectedValue(
      await apiError(404, 'NotFoundError', "workspace 'nope' not found"),
    );
    await renderGpuFleetPage(page, { api, url: '/gpu-fleet/workspaces/nope' });
    expect(
      await screen.findByText(
        "Error: Workspace not found: workspace 'nope' not found",
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Workspaces' })).toHaveAttribute(
      'href',
      '/gpu-fleet/workspaces',
    );
  });
});
