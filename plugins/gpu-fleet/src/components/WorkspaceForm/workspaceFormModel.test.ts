import {
  createWorkspaceRequestSchema,
  updateWorkspaceRequestSchema,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { aWorkspace } from '../../__testUtils__/fixtures';
import {
  buildCreateRequest,
  buildSettingsRequest,
  emptyCreateForm,
  identityFieldsFor,
  settingsFormFrom,
} from './workspaceFormModel';

describe('buildCreateRequest', () => {
  it('builds a request the API schema accepts, leaving out empty optional fields', () => {
    const built = buildCreateRequest({
      ...emptyCreateForm(),
      name: ' ml-a ',
      cluster: 'eks-p5',
      allowPrivileged: true,
      gpuQuota: [{ gpuType: 'H200', count: ' 8 ' }],
      tolerations: [
        {
          key: 'nvidia.com/gpu',
          operator: 'Exists',
          // Left over from Equal: Exists takes none.
          value: 'present',
          effect: 'NoSchedule',
          seconds: '',
        },
        {
          key: 'dedicated',
          operator: 'Equal',
          value: 'ml',
          effect: '',
          seconds: '300',
        },
      ],
      members: [{ ref: ' user:default/bob ', role: 'deployer' }],
    });
    expect(built).toEqual({
      issues: [],
      request: {
        name: 'ml-a',
        cluster: 'eks-p5',
        allowPrivileged: true,
        gpuQuota: [{ gpuType: 'H200', count: 8 }],
        defaults: {
          tolerations: [
            {
              key: 'nvidia.com/gpu',
              operator: 'Exists',
              effect: 'NoSchedule',
            },
            {
              key: 'dedicated',
              operator: 'Equal',
              value: 'ml',
              tolerationSeconds: 300,
            },
          ],
          nodeSelector: {},
          priorityClassName: null,
          capacityType: null,
        },
        workloadIdentity: {},
        members: [{ ref: 'user:default/bob', role: 'deployer' }],
      },
    });
    if (!('request' in built)) throw new Error('expected a request');
    expect(createWorkspaceRequestSchema.parse(built.request)).toEqual(
      built.request,
    );
  });

  it('sends the namespace and display name only when given', () => {
    const built = buildCreateRequest({
      ...emptyCreateForm(),
      name: 'ml-a',
      cluster: 'eks-p5',
      namespace: 'team-ml',
      displayName: 'ML A',
    });
    expect('request' in built && built.request).toMatchObject({
      namespace: 'team-ml',
      displayName: 'ML A',
    });
  });

  it('names the rows whose numbers are not whole numbers, in the API path shape', () => {
    const built = buildCreateRequest({
      ...emptyCreateForm(),
      name: 'ml-a',
      cluster: 'eks-p5',
      gpuQuota: [
        { gpuType: 'H100', count: '2' },
        { gpuType: 'H200', count: '' },
        { gpuType: 'B200', count: '1.5' },
      ],
      tolerations: [
        {
          key: 'a',
          operator: 'Exists',
          value: '',
          effect: 'NoExecute',
          seconds: 'soon',
        },
      ],
    });
    expect(built).toEqual({
      issues: [
        {
          path: 'gpuQuota[1].count',
          message: 'must be a whole number of GPUs',
        },
        {
          path: 'gpuQuota[2].count',
          message: 'must be a whole number of GPUs',
        },
        {
          path: 'defaults.tolerations[0].tolerationSeconds',
          message: 'must be a whole number of seconds',
        },
      ],
    });
  });
});

describe('settings', () => {
  it('round-trips a workspace through the form into a PATCH the schema accepts', () => {
    const workspace = aWorkspace();
    const built = buildSettingsRequest(settingsFormFrom(workspace));
    expect(built).toEqual({
      issues: [],
      request: {
        displayName: workspace.displayName,
        description: workspace.description,
        allowPrivileged: workspace.allowPrivileged,
        gpuQuota: workspace.gpuQuota,
        defaults: workspace.defaults,
        workloadIdentity: workspace.workloadIdentity,
      },
    });
    if (!('request' in built)) throw new Error('expected a request');
    expect(updateWorkspaceRequestSchema.parse(built.request)).toEqual(
      built.request,
    );
  });

  it('clears an emptied description and refuses an empty display name or a duplicated node label', () => {
    const form = settingsFormFrom(aWorkspace());
    const cleared = buildSettingsRequest({ ...form, description: '  ' });
    expect('request' in cleared && cleared.request.description).toBeNull();

    expect(
      buildSettingsRequest({
        ...form,
        displayName: ' ',
        nodeSelector: [
          { key: 'pool', value: 'a' },
          { key: '', value: '' },
          { key: 'pool', value: 'b' },
          { key: '', value: 'orphan' },
        ],
      }),
    ).toEqual({
      issues: [
        { path: 'displayName', message: 'must not be empty' },
        { path: 'defaults.nodeSelector', message: "'pool' is listed twice" },
        {
          path: 'defaults.nodeSelector',
          message: "the value 'orphan' has no label key",
        },
      ],
    });
  });

  it('offers the identity fields of the cluster provider only', () => {
    expect(identityFieldsFor('eks')).toEqual(['awsRoleArn']);
    expect(identityFieldsFor('oke')).toEqual([
      'ociClusterId',
      'ociCompartment',
    ]);
    expect(identityFieldsFor('lambda')).toEqual([]);
    expect(identityFieldsFor(undefined)).toEqual([]);
  });
});
