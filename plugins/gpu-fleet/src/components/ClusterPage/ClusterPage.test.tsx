import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router-dom';
import {
  aCluster,
  eksAudit,
  eksInventory,
  eksPrerequisites,
} from '../../__testUtils__/fixtures';
import { apiError, mockGpuFleetApi } from '../../__testUtils__/mockGpuFleetApi';
import { renderGpuFleetPage } from '../../__testUtils__/renderGpuFleetPage';
import { ClusterPage } from './ClusterPage';

const page = (
  <Routes>
    <Route path="/gpu-fleet/clusters/:name" element={<ClusterPage />} />
  </Routes>
);

function clusterApi() {
  return mockGpuFleetApi({
    getCluster: jest.fn(async () => aCluster()),
    getPrerequisites: jest.fn(async () => eksPrerequisites),
    getClusterInventory: jest.fn(async () => eksInventory),
    getAudit: jest.fn(async () => eksAudit),
  });
}

describe('ClusterPage', () => {
  it("shows the cluster's facts, checks, node pools, add-ons and audit log", async () => {
    const api = clusterApi();
    await renderGpuFleetPage(page, { api, url: '/gpu-fleet/clusters/eks-p5' });

    expect(
      await screen.findByRole('heading', { name: 'EKS p5 pool', level: 1 }),
    ).toBeInTheDocument();
    expect(api.getCluster).toHaveBeenCalledWith('eks-p5');
    const facts = screen.getByText('Kubernetes version').closest('dl')!;
    const fact = (term: string) =>
      within(facts).getByText(term).nextElementSibling?.textContent;
    expect(fact('Status')).toBe('Connected');
    expect(fact('Provider')).toBe('Amazon EKS');
    expect(fact('Region')).toBe('us-east-1');
    expect(fact('Agent version')).toBe('0.3.1');
    expect(fact('Kubernetes version')).toBe('v1.30.4');
    expect(fact('Labels')).toBe('team=ml');

    const checks = await screen.findByRole('list', {
      name: 'Prerequisite checks',
    });
    expect(within(checks).getAllByRole('listitem')).toHaveLength(3);
    expect(
      screen.getByText('1 of 3 checks pass, 1 failing.'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('nvcr.io is not reachable from the nodes'),
    ).toBeInTheDocument();
    // Advice only for the failing check.
    expect(screen.getAllByText('What to do:')).toHaveLength(1);
    expect(
      screen.getByText(/Allow HTTPS egress from the nodes/),
    ).toBeInTheDocument();

    const pools = await screen.findByRole('table', { name: 'Node pools' });
    const poolRow = (name: string) =>
      [
        ...within(pools)
          .getByRole('row', { name: new RegExp(`^${name}`) })
          .querySelectorAll('th, td'),
      ].map(c => c.textContent);
    expect(poolRow('p5-on-demand')).toEqual([
      'p5-on-demand',
      'H100',
      '2 (2)',
      '16',
      '12',
      'on-demand',
    ]);
    expect(poolRow('p5-spot')).toEqual([
      'p5-spot',
      'H100',
      '1 (1)',
      '8',
      '0',
      'spot',
    ]);
    expect(poolRow('system')).toEqual([
      'system',
      'no GPU',
      '1 (1)',
      '0',
      '0',
      'on-demand',
    ]);

    const addons = screen.getByRole('list', { name: 'Installed add-ons' });
    expect(within(addons).getByText('NVIDIA GPU Operator')).toBeInTheDocument();
    expect(within(addons).getByText('cert-manager')).toBeInTheDocument();

    expect(await screen.findByText('token.rotated')).toBeInTheDocument();
    expect(screen.getByText('user:default/alice')).toBeInTheDocument();
    expect(screen.getByText('{"provider":"eks"}')).toBeInTheDocument();
  });

  it('rotates the token after confirmation and shows the new token and command once', async () => {
    const api = clusterApi();
    api.rotateToken.mockResolvedValue({
      cluster: aCluster(),
      token: 'gft_new-secret-token',
      install: {
        command:
          'helm upgrade --install gpu-fleet-agent gpu-fleet/gpu-fleet-agent --set tokenSecret=gft_new-secret-token',
        valuesYaml: 'tokenSecret: "gft_new-secret-token"\n',
        namespace: 'gpu-fleet',
        releaseName: 'gpu-fleet-agent',
        chart: 'gpu-fleet/gpu-fleet-agent',
      },
    });
    await renderGpuFleetPage(page, { api, url: '/gpu-fleet/clusters/eks-p5' });
    const user = userEvent.setup();

    await user.click(
      await screen.findByRole('button', { name: 'Rotate token' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Rotate the agent token?',
    });
    expect(api.rotateToken).not.toHaveBeenCalled();
    await user.click(
      within(dialog).getByRole('button', { name: 'Rotate token' }),
    );

    expect(api.rotateToken).toHaveBeenCalledWith('eks-p5');
    expect(
      await screen.findByText(/the token is shown only this once/),
    ).toBeInTheDocument();
    expect(screen.getByLabelText('New token')).toHaveTextContent(
      'gft_new-secret-token',
    );
    expect(screen.getByLabelText('Install command')).toHaveTextContent(
      'helm upgrade --install gpu-fleet-agent',
    );
    expect(
      screen.getByRole('button', { name: 'Copy Install command' }),
    ).toBeInTheDocument();
    // The audit log is read again so the rotation shows up.
    await waitFor(() => expect(api.getAudit).toHaveBeenCalledTimes(2));

    await user.click(
      screen.getByRole('button', { name: 'I have copied it: hide the token' }),
    );
    expect(screen.queryByText(/gft_new-secret-token/)).toBeNull();
  });

  it('revokes the token and says what went wrong when the API refuses', async () => {
    const api = clusterApi();
    api.revokeToken.mockRejectedValue(
      await apiError(
        409,
        'ConflictError',
        "cluster 'eks-p5' has no live token to revoke",
      ),
    );
    await renderGpuFleetPage(page, { api, url: '/gpu-fleet/clusters/eks-p5' });
    const user = userEvent.setup();
    await user.click(
      await screen.findByRole('button', { name: 'Revoke token' }),
    );
    const dialog = await screen.findByRole('dialog');
    await user.click(
      within(dialog).getByRole('button', { name: 'Revoke token' }),
    );
    expect(api.revokeToken).toHaveBeenCalledWith('eks-p5');
    expect(
      await screen.findByText("cluster 'eks-p5' has no live token to revoke"),
    ).toBeInTheDocument();
  });

  it('says when there is no such cluster, and when no inventory is reported yet', async () => {
    const api = clusterApi();
    api.getCluster.mockRejectedValue(
      await apiError(404, 'NotFoundError', "no cluster named 'nope'"),
    );
    const { unmount } = await renderGpuFleetPage(page, {
      api,
      url: '/gpu-fleet/clusters/nope',
    });
    expect(
      await screen.findByText(
        "Error: Cluster not found: no cluster named 'nope'",
      ),
    ).toBeInTheDocument();
    unmount();

    api.getCluster.mockResolvedValue(aCluster({ status: 'pending' }));
    api.getClusterInventory.mockResolvedValue({
      cluster: 'eks-p5',
      reportedAt: null,
      nodes: [],
    });
    await renderGpuFleetPage(page, { api, url: '/gpu-fleet/clusters/eks-p5' });
    expect(
      await screen.findByText('The agent has not reported inventory yet.'),
    ).toBeInTheDocument();
  });
});
