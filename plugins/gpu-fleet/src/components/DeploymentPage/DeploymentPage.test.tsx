import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router-dom';
import {
  aDeployment,
  anMpiJobDeployment,
  deploymentRevisions,
  pendingStatus,
  revision2Diff,
  UNSCHEDULABLE,
  vllmManifest,
} from '../../__testUtils__/deploymentFixtures';
import {
  emptyCapacity,
  fleetClusters,
  row as capacityRow,
} from '../../__testUtils__/fixtures';
import { apiError, mockGpuFleetApi } from '../../__testUtils__/mockGpuFleetApi';
import { renderGpuFleetPage } from '../../__testUtils__/renderGpuFleetPage';
import type { DeploymentView } from '@gpu-fleet/plugin-gpu-fleet-common';
import { DeploymentPage } from './DeploymentPage';

const url = '/gpu-fleet/workspaces/ml-training/deployments/llama-3-8b-chat';

// Long enough that only what a test does makes the page read again.
function pageWith(refreshIntervalMs = 600_000) {
  return (
    <Routes>
      <Route
        path="/gpu-fleet/workspaces/:workspace/deployments/:name"
        element={<DeploymentPage refreshIntervalMs={refreshIntervalMs} />}
      />
    </Routes>
  );
}

function deploymentApi(deployment: DeploymentView = aDeployment()) {
  return mockGpuFleetApi({
    getDeployment: jest.fn(async () => deployment),
    listDeploymentRevisions: jest.fn(async () => deploymentRevisions),
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

/** Each body row of the table named `label`, as the text of its cells. */
function rowsOf(label: string) {
  const table = screen.getByRole('table', { name: label });
  return within(table)
    .getAllByRole('row')
    .slice(1)
    .map(row => [...row.querySelectorAll('th, td')].map(c => c.textContent));
}

describe('DeploymentPage', () => {
  it('shows status, delivery, pods, events, conditions and revisions', async () => {
    const api = deploymentApi();
    await renderGpuFleetPage(pageWith(), { api, url });

    expect(
      await screen.findByRole('heading', { name: 'llama-3-8b-chat', level: 1 }),
    ).toBeInTheDocument();
    expect(api.getDeployment).toHaveBeenCalledWith(
      'ml-training',
      'llama-3-8b-chat',
    );
    expect(factsOf('Deployment status')).toMatchObject({
      Phase: 'Running',
      Summary: '2/2 replicas ready',
      Template: 'vllm (Service)',
      Workspace: 'ml-training',
      Cluster: 'eks-p5',
      Image: 'vllm/vllm-openai:v0.6.4',
      Model: 'meta-llama/Llama-3.1-8B-Instruct',
      GPUs: '1 × H100',
      'Replicas wanted': '2 to 4',
      Replicas: '2/2 ready, 2 updated, 2 available',
      Rollout: 'complete',
    });
    expect(factsOf('Delivery')).toMatchObject({
      State: 'applied',
      Attempts: '1',
      'Latest revision': '2',
      'Applied revision': '2',
      'Applied commit': '3f9c2a1',
    });
    expect(screen.getByRole('link', { name: 'eks-p5' })).toHaveAttribute(
      'href',
      '/gpu-fleet/clusters/eks-p5',
    );

    expect(rowsOf('Pods')).toEqual([
      [
        'llama-3-8b-chat-7d9f-a1',
        '',
        'Running',
        'yes',
        '0',
        'od-1',
        '',
        'Logs',
      ],
      [
        'llama-3-8b-chat-7d9f-b2',
        '',
        'Running',
        'yes',
        '3',
        'od-2',
        '',
        'Logs',
      ],
    ]);
    expect(rowsOf('Events')[0].slice(0, 5)).toEqual([
      'Normal',
      'ScalingReplicaSet',
      'Deployment/llama-3-8b-chat',
      'Scaled up replica set llama-3-8b-chat-7d9f to 2',
      '1',
    ]);
    expect(rowsOf('Deployment conditions')[0].slice(0, 3)).toEqual([
      'Available',
      'True',
      'MinimumReplicasAvailable',
    ]);

    await waitFor(() =>
      expect(rowsOf('Revisions').map(r => r.slice(0, 5))).toEqual([
        [
          '2',
          'update',
          'user:default/carol',
          '3f9c2a1',
          'llama-3-8b-chat: 2 to 4 replicas',
        ],
        [
          '1',
          'create',
          'user:default/bob',
          'a1b2c3d',
          'llama-3-8b-chat: created',
        ],
      ]),
    );
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByRole('button', { name: 'Retarget' })).toBeEnabled();
    expect(screen.getByRole('link', { name: 'Edit' })).toHaveAttribute(
      'href',
      '/gpu-fleet/workspaces/ml-training/deployments/llama-3-8b-chat/edit',
    );
    expect(
      screen.getByRole('button', { name: 'Delete deployment' }),
    ).toBeEnabled();
  });

  it('puts the reason a Pending deployment waits at the top, and warnings first among events', async () => {
    const api = deploymentApi(aDeployment({ status: pendingStatus }));
    await renderGpuFleetPage(pageWith(), { api, url });

    const alert = await screen.findByLabelText('Why it is pending');
    expect(alert).toHaveTextContent(`Pending${UNSCHEDULABLE}`);
    expect(factsOf('Deployment status').Phase).toBe('Pending');
    expect(rowsOf('Pods')[0]).toEqual([
      'llama-3-8b-chat-7d9f-x2x4k',
      '',
      'Pending',
      'no',
      '0',
      'not scheduled',
      `Unschedulable: ${UNSCHEDULABLE}`,
      'Logs',
    ]);
    expect(rowsOf('Events').map(r => r.slice(0, 2))).toEqual([
      ['Warning', 'FailedScheduling'],
      ['Normal', 'SuccessfulCreate'],
    ]);
  });

  it('follows the deployment as it goes from Pending to Running', async () => {
    const api = deploymentApi(aDeployment({ status: pendingStatus }));
    await renderGpuFleetPage(pageWith(300), { api, url });
    expect(await screen.findByLabelText('Why it is pending')).toBeVisible();

    api.getDeployment.mockResolvedValue(aDeployment());
    await waitFor(() =>
      expect(factsOf('Deployment status').Phase).toBe('Running'),
    );
    expect(screen.queryByLabelText('Why it is pending')).toBeNull();
  });

  it('shows what delivery has reached before the cluster reports, and why it keeps failing', async () => {
    const api = deploymentApi(
      aDeployment({
        status: null,
        revision: 3,
        appliedRevision: 2,
        delivery: {
          state: 'delivering',
          error: "cluster 'eks-p5' is not connected",
          attempts: 4,
          updatedAt: '2026-12-02T10:00:00.000Z',
        },
      }),
    );
    await renderGpuFleetPage(pageWith(), { api, url });

    expect(await screen.findByLabelText('Delivery problem')).toHaveTextContent(
      "Still delivering after 4 attemptscluster 'eks-p5' is not connectedGPU Fleet tries again by itself.",
    );
    expect(factsOf('Deployment status')).toMatchObject({
      Phase: 'Delivering to the cluster',
      Summary: 'The cluster has not reported on it yet.',
    });
    expect(factsOf('Delivery')).toMatchObject({
      State: 'delivering to the cluster',
      Attempts: '4',
      'Last error': "cluster 'eks-p5' is not connected",
      'Latest revision': '3',
      'Applied revision': '2',
    });
    expect(screen.queryByRole('table', { name: 'Pods' })).toBeNull();
  });

  it("shows a revision's diff with added and removed lines marked", async () => {
    const api = deploymentApi();
    api.getRevisionDiff.mockResolvedValue(revision2Diff);
    await renderGpuFleetPage(pageWith(), { api, url });
    const user = userEvent.setup();

    await user.click(
      await screen.findByRole('button', { name: 'Diff of revision 2' }),
    );
    const diff = await screen.findByLabelText('Changes in revision 2');
    expect(api.getRevisionDiff).toHaveBeenCalledWith(
      'ml-training',
      'llama-3-8b-chat',
      2,
    );
    expect(screen.getByText('Revision 2: a1b2c3d → 3f9c2a1')).toBeVisible();
    const lines = [...diff.querySelectorAll('span')].map(line => [
      line.getAttribute('data-change'),
      line.textContent,
    ]);
    expect(lines.slice(3)).toEqual([
      ['hunk', '@@ -6,3 +6,3 @@ metadata:'],
      ['context', ' spec:'],
      ['removed', '-  replicas: 1'],
      ['added', '+  replicas: 2'],
    ]);
    expect(lines[1]).toEqual([
      'file',
      '--- a/eks-p5/ml-training/llama-3-8b-chat/deployment.yaml',
    ]);
    expect(
      screen.getByRole('button', { name: 'Diff of revision 2' }),
    ).toHaveAttribute('aria-pressed', 'true');
  });

  it('retargets only once the chosen cluster meets every requirement', async () => {
    const api = deploymentApi();
    api.listClusters.mockResolvedValue(fleetClusters);
    api.getDeploymentRequirements
      .mockResolvedValueOnce({
        cluster: 'coreweave-h100',
        unmet: [
          {
            requirement: 'gpu-capacity',
            field: 'resources.gpu.count',
            message:
              "needs 2 × H100 at once; cluster 'coreweave-h100' has 0 free",
          },
          {
            requirement: 'storage-class',
            field: 'storage.storageClass',
            message: "cluster 'coreweave-h100' has no StorageClass 'lustre'",
          },
        ],
      })
      .mockResolvedValueOnce({ cluster: 'coreweave-h100', unmet: [] });
    api.retargetDeployment.mockResolvedValue(
      aDeployment({ cluster: 'coreweave-h100', revision: 3 }),
    );
    await renderGpuFleetPage(pageWith(), { api, url });
    const user = userEvent.setup();

    await user.click(await screen.findByRole('button', { name: 'Retarget' }));
    const dialog = within(
      await screen.findByRole('dialog', { name: 'Retarget llama-3-8b-chat' }),
    );
    const target = dialog.getByRole('combobox', { name: 'Target cluster' });
    // Attached clusters other than the current one.
    await waitFor(() =>
      expect(
        within(target)
          .getAllByRole('option')
          .map(o => o.getAttribute('value')),
      ).toEqual(['', 'eks-spot', 'coreweave-h100', 'lambda-h200']),
    );
    const retarget = dialog.getByRole('button', { name: 'Retarget' });
    expect(retarget).toBeDisabled();

    await user.selectOptions(target, 'coreweave-h100');
    const unmet = await dialog.findByRole('list', {
      name: 'Unmet requirements on coreweave-h100',
    });
    expect(
      within(unmet)
        .getAllByRole('listitem')
        .map(i => i.textContent),
    ).toEqual([
      "resources.gpu.count: needs 2 × H100 at once; cluster 'coreweave-h100' has 0 free",
      "storage.storageClass: cluster 'coreweave-h100' has no StorageClass 'lustre'",
    ]);
    expect(api.getDeploymentRequirements).toHaveBeenCalledWith(
      'ml-training',
      'llama-3-8b-chat',
      'coreweave-h100',
    );
    expect(retarget).toBeDisabled();

    await user.click(dialog.getByRole('button', { name: 'Check again' }));
    expect(
      await dialog.findByText(
        'Cluster coreweave-h100 meets every requirement.',
      ),
    ).toBeVisible();
    expect(api.getDeploymentRequirements).toHaveBeenCalledTimes(2);
    expect(retarget).toBeEnabled();

    api.getDeployment.mockResolvedValue(
      aDeployment({ cluster: 'coreweave-h100', revision: 3 }),
    );
    await user.click(retarget);
    expect(api.retargetDeployment).toHaveBeenCalledWith(
      'ml-training',
      'llama-3-8b-chat',
      'coreweave-h100',
    );
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    // The page reads the deployment again at once, now on its new cluster.
    await waitFor(() =>
      expect(factsOf('Deployment status').Cluster).toBe('coreweave-h100'),
    );
  });

  it('lists what the server found unmet when it refuses a retarget, and keeps Retarget disabled', async () => {
    const api = deploymentApi();
    api.listClusters.mockResolvedValue(fleetClusters);
    api.getDeploymentRequirements.mockResolvedValue({
      cluster: 'lambda-h200',
      unmet: [],
    });
    const unmet = [
      {
        requirement: 'gpu-type',
        field: 'resources.gpu.type',
        message: "cluster 'lambda-h200' has no H100 GPUs",
      },
    ];
    api.retargetDeployment.mockRejectedValue(
      await apiError(
        409,
        'ConflictError',
        "cluster 'lambda-h200' cannot run this deployment: resources.gpu.type: cluster 'lambda-h200' has no H100 GPUs",
        { unmet },
      ),
    );
    await renderGpuFleetPage(pageWith(), { api, url });
    const user = userEvent.setup();

    await user.click(await screen.findByRole('button', { name: 'Retarget' }));
    const dialog = within(await screen.findByRole('dialog'));
    await user.selectOptions(
      await dialog.findByRole('combobox', { name: 'Target cluster' }),
      'lambda-h200',
    );
    await dialog.findByText('Cluster lambda-h200 meets every requirement.');
    await user.click(dialog.getByRole('button', { name: 'Retarget' }));

    expect(await dialog.findByRole('alert')).toHaveTextContent(
      "Not retargeted: cluster 'lambda-h200' cannot run this deployment",
    );
    expect(
      dialog.getByRole('list', { name: 'Unmet requirements on lambda-h200' }),
    ).toHaveTextContent(
      "resources.gpu.type: cluster 'lambda-h200' has no H100 GPUs",
    );
    expect(dialog.getByRole('button', { name: 'Retarget' })).toBeDisabled();
  });

  it('changes the GPU type the target lacks, checks the changed manifest, and sends it whole', async () => {
    // Bob's service runs on Lambda H200s; CoreWeave has only H100s.
    const llama = aDeployment({
      name: 'llama',
      workspace: 'ml-inference',
      namespace: 'ml-inference',
      cluster: 'lambda-h200',
      manifest: {
        ...vllmManifest,
        name: 'llama',
        workspace: 'ml-inference',
        resources: {
          ...vllmManifest.resources,
          gpu: { type: 'H200', count: 1 },
        },
        env: [{ name: 'VLLM_LOGGING_LEVEL', value: 'DEBUG' }],
      },
    });
    const api = deploymentApi(llama);
    api.listClusters.mockResolvedValue(fleetClusters);
    api.getDeploymentRequirements.mockResolvedValue({
      cluster: 'coreweave-h100',
      unmet: [
        {
          requirement: 'gpu-type',
          field: 'resources.gpu.type',
          message: "cluster 'coreweave-h100' has no H200 GPUs",
        },
      ],
    });
    api.getCapacity.mockResolvedValue({
      ...emptyCapacity,
      groupBy: ['gpuType'],
      rows: [capacityRow({ gpuType: 'H100' }, 32, 8)],
    });
    const preview = {
      cluster: 'coreweave-h100',
      namespace: 'ml-inference',
      path: 'coreweave-h100/ml-inference/llama',
      objects: [],
      files: {},
    };
    api.previewDeployment.mockImplementation(async manifest => ({
      ...preview,
      unmet:
        manifest.resources.gpu.type === 'H100'
          ? []
          : [
              {
                requirement: 'gpu-type',
                field: 'resources.gpu.type',
                message: `cluster 'coreweave-h100' has no ${manifest.resources.gpu.type} GPUs`,
              },
            ],
    }));
    api.updateDeployment.mockResolvedValue({
      ...llama,
      cluster: 'coreweave-h100',
      revision: 3,
    });
    await renderGpuFleetPage(pageWith(), {
      api,
      url: '/gpu-fleet/workspaces/ml-inference/deployments/llama',
    });
    const user = userEvent.setup();

    await user.click(await screen.findByRole('button', { name: 'Retarget' }));
    const dialog = within(
      await screen.findByRole('dialog', { name: 'Retarget llama' }),
    );
    await user.selectOptions(
      await dialog.findByRole('combobox', { name: 'Target cluster' }),
      'coreweave-h100',
    );
    expect(
      await dialog.findByRole('list', {
        name: 'Unmet requirements on coreweave-h100',
      }),
    ).toHaveTextContent(
      "resources.gpu.type: cluster 'coreweave-h100' has no H200 GPUs",
    );
    const retarget = dialog.getByRole('button', { name: 'Retarget' });
    expect(retarget).toBeDisabled();

    // The target's own GPU types, with what is free there.
    const gpuType = dialog.getByRole('combobox', { name: 'GPU type' });
    await waitFor(() =>
      expect(
        within(gpuType)
          .getAllByRole('option')
          .map(o => o.textContent),
      ).toEqual(['H200 (as now)', 'H100 (24 of 32 free)']),
    );
    expect(api.getCapacity).toHaveBeenCalledWith(['gpuType'], {
      cluster: 'coreweave-h100',
    });
    await user.selectOptions(gpuType, 'H100');

    expect(
      await dialog.findByText(
        'Cluster coreweave-h100 meets every requirement with H100 GPUs.',
      ),
    ).toBeVisible();
    expect(
      dialog.queryByRole('list', {
        name: 'Unmet requirements on coreweave-h100',
      }),
    ).toBeNull();
    const changed = {
      ...llama.manifest,
      cluster: 'coreweave-h100',
      resources: {
        ...llama.manifest.resources,
        gpu: { type: 'H100', count: 1 },
      },
    };
    expect(api.previewDeployment).toHaveBeenLastCalledWith(changed);
    expect(retarget).toBeEnabled();

    await user.click(retarget);
    // One new revision with both changes, rather than a retarget the server would refuse.
    expect(api.updateDeployment).toHaveBeenCalledWith(
      'ml-inference',
      'llama',
      changed,
    );
    expect(api.retargetDeployment).not.toHaveBeenCalled();
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('checks the manifest as it is again when the GPU type is set back', async () => {
    const api = deploymentApi();
    api.listClusters.mockResolvedValue(fleetClusters);
    api.getDeploymentRequirements.mockResolvedValue({
      cluster: 'lambda-h200',
      unmet: [
        {
          requirement: 'gpu-capacity',
          field: 'resources.gpu.count',
          message: "needs 2 × H100 at once; cluster 'lambda-h200' has 1 free",
        },
      ],
    });
    api.getCapacity.mockResolvedValue({
      ...emptyCapacity,
      groupBy: ['gpuType'],
      rows: [
        capacityRow({ gpuType: 'H100' }, 8, 7),
        capacityRow({ gpuType: 'H200' }, 24, 8),
      ],
    });
    api.previewDeployment.mockResolvedValue({
      cluster: 'lambda-h200',
      namespace: 'ml-training',
      path: 'lambda-h200/ml-training/llama-3-8b-chat',
      objects: [],
      files: {},
      unmet: [],
    });
    await renderGpuFleetPage(pageWith(), { api, url });
    const user = userEvent.setup();

    await user.click(await screen.findByRole('button', { name: 'Retarget' }));
    const dialog = within(await screen.findByRole('dialog'));
    await user.selectOptions(
      await dialog.findByRole('combobox', { name: 'Target cluster' }),
      'lambda-h200',
    );
    const gpuType = await dialog.findByRole('combobox', { name: 'GPU type' });
    await waitFor(() =>
      expect(
        within(gpuType)
          .getAllByRole('option')
          .map(o => o.textContent),
      ).toEqual(['H100 (1 of 8 free)', 'H200 (16 of 24 free)']),
    );
    await user.selectOptions(gpuType, 'H200');
    await dialog.findByText(
      'Cluster lambda-h200 meets every requirement with H200 GPUs.',
    );
    expect(gpuType).toHaveAccessibleDescription(
      'Retarget changes the GPU type from H100 to H200 in a new revision.',
    );

    await user.selectOptions(gpuType, 'H100');
    expect(
      await dialog.findByRole('list', {
        name: 'Unmet requirements on lambda-h200',
      }),
    ).toHaveTextContent(
      "resources.gpu.count: needs 2 × H100 at once; cluster 'lambda-h200' has 1 free",
    );
    expect(dialog.getByRole('button', { name: 'Retarget' })).toBeDisabled();
    expect(api.previewDeployment).toHaveBeenCalledTimes(1);
  });

  it("opens a pod's log read through the kube proxy", async () => {
    const api = deploymentApi();
    api.getPodLog.mockResolvedValue(
      'INFO: Started server process\nINFO: Uvicorn running on http://0.0.0.0:8000',
    );
    await renderGpuFleetPage(pageWith(), { api, url });
    const user = userEvent.setup();

    await user.click(
      await screen.findByRole('button', {
        name: 'Logs of llama-3-8b-chat-7d9f-b2',
      }),
    );
    const dialog = within(
      await screen.findByRole('dialog', {
        name: 'Log of llama-3-8b-chat-7d9f-b2',
      }),
    );
    expect(await dialog.findByLabelText('Log')).toHaveTextContent(
      'INFO: Uvicorn running on http://0.0.0.0:8000',
    );
    expect(api.getPodLog).toHaveBeenCalledWith(
      'eks-p5',
      'ml-training',
      'llama-3-8b-chat-7d9f-b2',
      { container: 'vllm', tailLines: 500 },
    );

    api.getPodLog.mockRejectedValue(
      await apiError(403, 'Forbidden', 'you may not read logs in ml-training'),
    );
    await user.click(dialog.getByRole('button', { name: 'Reload' }));
    expect(await dialog.findByRole('alert')).toHaveTextContent(
      'Could not reload the log: you may not read logs in ml-training',
    );
    // What was read before stays readable.
    expect(dialog.getByLabelText('Log')).toHaveTextContent(
      'INFO: Uvicorn running',
    );
    await user.click(dialog.getByRole('button', { name: 'Close' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it("shows an MPIJob's conditions and reads the launcher's own container", async () => {
    const api = deploymentApi(anMpiJobDeployment());
    api.getPodLog.mockResolvedValue('mpirun: 16 ranks');
    await renderGpuFleetPage(pageWith(), {
      api,
      url: '/gpu-fleet/workspaces/ml-training/deployments/pretrain-7b',
    });
    const user = userEvent.setup();

    expect(
      await screen.findByRole('table', { name: 'MPIJob conditions' }),
    ).toBeInTheDocument();
    expect(rowsOf('MPIJob conditions').map(r => r.slice(0, 3))).toEqual([
      ['Created', 'True', 'MPIJobCreated'],
      ['Running', 'True', 'MPIJobRunning'],
    ]);
    expect(factsOf('Deployment status')).toMatchObject({
      GPUs: '8 × H200 × 2 workers',
      Workers: '2',
      RDMA: 'yes, /dev/shm 64Gi',
    });
    await user.click(
      screen.getByRole('button', { name: 'Logs of pretrain-7b-launcher-q8z' }),
    );
    expect(await screen.findByLabelText('Log')).toHaveTextContent(
      'mpirun: 16 ranks',
    );
    expect(api.getPodLog).toHaveBeenCalledWith(
      'coreweave-h100',
      'ml-training',
      'pretrain-7b-launcher-q8z',
      { container: 'launcher', tailLines: 500 },
    );
  });

  it('deletes after confirmation and returns to the workspace’s deployments', async () => {
    const api = deploymentApi();
    api.deleteDeployment.mockResolvedValue(
      aDeployment({
        delivery: {
          state: 'deleting',
          error: null,
          attempts: 0,
          updatedAt: '2026-12-02T10:00:00.000Z',
        },
      }),
    );
    await renderGpuFleetPage(pageWith(), { api, url });
    const user = userEvent.setup();

    await user.click(
      await screen.findByRole('button', { name: 'Delete deployment' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Delete deployment llama-3-8b-chat?',
    });
    expect(dialog).toHaveTextContent(
      'Its objects are removed from namespace ml-training on cluster eks-p5',
    );
    expect(api.deleteDeployment).not.toHaveBeenCalled();
    await user.click(
      within(dialog).getByRole('button', { name: 'Delete deployment' }),
    );
    expect(api.deleteDeployment).toHaveBeenCalledWith(
      'ml-training',
      'llama-3-8b-chat',
    );
    await waitFor(() =>
      expect(screen.getByLabelText('current location')).toHaveTextContent(
        '/gpu-fleet/deployments?workspace=ml-training',
      ),
    );
  });

  it('offers neither retarget nor delete to someone who may only read', async () => {
    const api = deploymentApi(
      aDeployment({ access: { update: false, delete: false } }),
    );
    await renderGpuFleetPage(pageWith(), { api, url });
    expect(
      await screen.findByRole('table', { name: 'Pods' }),
    ).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Retarget' })).toBeNull();
    expect(screen.queryByRole('link', { name: 'Edit' })).toBeNull();
    expect(
      screen.queryByRole('button', { name: 'Delete deployment' }),
    ).toBeNull();
  });

  it('says when there is no such deployment', async () => {
    const api = deploymentApi();
    api.getDeployment.mockRejectedValue(
      await apiError(
        404,
        'NotFoundError',
        "deployment 'ml-training/nope' not found",
      ),
    );
    api.listDeploymentRevisions.mockRejectedValue(
      await apiError(
        404,
        'NotFoundError',
        "deployment 'ml-training/nope' not found",
      ),
    );
    await renderGpuFleetPage(pageWith(), {
      api,
      url: '/gpu-fleet/workspaces/ml-training/deployments/nope',
    });
    expect(
      await screen.findByText(
        "Error: Deployment not found: deployment 'ml-training/nope' not found",
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'ml-training' })).toHaveAttribute(
      'href',
      '/gpu-fleet/workspaces/ml-training',
    );
  });
});
