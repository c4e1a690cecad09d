import { apiError } from '../__testUtils__/mockGpuFleetApi';
import {
  apiIssues,
  issueAt,
  issueText,
  issuesNotShown,
  isIssueUnder,
} from './apiIssues';

const FIELDS = ['name', 'gpuQuota', 'defaults', 'members'];

describe('apiIssues', () => {
  it('keys each part of a 400 by the full path the API named', async () => {
    const error = await apiError(
      400,
      'InputError',
      "name: must be a DNS-1123 label; gpuQuota[1].count: Too small: expected number to be >=0; members[0].ref: 'user:default/bob' is listed twice",
    );
    expect(apiIssues(error, FIELDS)).toEqual([
      { path: 'name', message: 'must be a DNS-1123 label' },
      {
        path: 'gpuQuota[1].count',
        message: 'Too small: expected number to be >=0',
      },
      { path: 'members[0].ref', message: "'user:default/bob' is listed twice" },
    ]);
  });

  it('keeps a message that itself contains "; " in one piece', async () => {
    const error = await apiError(
      400,
      'InputError',
      'gpuQuota[0].gpuType: is not a known GPU type; known: H100, H200; defaults.nodeSelector.nvidia.com/gpu.product: label values are at most 63 characters',
    );
    expect(apiIssues(error, FIELDS)).toEqual([
      {
        path: 'gpuQuota[0].gpuType',
        message: 'is not a known GPU type; known: H100, H200',
      },
      {
        path: 'defaults.nodeSelector.nvidia.com/gpu.product',
        message: 'label values are at most 63 characters',
      },
    ]);
  });

  it('names no field for a conflict without one, a body-level issue or a server error', async () => {
    expect(
      apiIssues(
        await apiError(
          409,
          'ConflictError',
          "workspaces need the agent's workspace rights: missing create namespaces",
        ),
        FIELDS,
      ),
    ).toEqual([
      {
        path: '',
        message:
          "workspaces need the agent's workspace rights: missing create namespaces",
      },
    ]);
    expect(
      apiIssues(
        await apiError(400, 'InputError', '(body): nothing to update'),
        FIELDS,
      ),
    ).toEqual([{ path: '', message: 'nothing to update' }]);
    expect(
      apiIssues(
        await apiError(500, 'Error', 'name: exploded in the database'),
        FIELDS,
      ),
    ).toEqual([{ path: '', message: 'name: exploded in the database' }]);
    expect(apiIssues(new Error('Failed to fetch'), FIELDS)).toEqual([
      { path: '', message: 'Failed to fetch' },
    ]);
  });

  it('tells which issues a form shows and which it must spell out', () => {
    const issues = [
      { path: 'name', message: 'is required' },
      { path: 'namespace', message: 'is taken' },
      { path: 'gpuQuota[2].count', message: 'too big' },
      { path: 'defaults.priorityClassName', message: 'bad' },
      { path: '', message: 'agent offline' },
    ];
    expect(isIssueUnder(issues[2], 'gpuQuota')).toBe(true);
    // "name" is not a prefix of "namespace".
    expect(isIssueUnder(issues[1], 'name')).toBe(false);
    expect(issueAt(issues, 'name')).toBe('is required');
    expect(issueAt(issues, 'cluster')).toBeUndefined();
    expect(
      issuesNotShown(issues, ['name', 'gpuQuota', 'defaults.tolerations']).map(
        issueText,
      ),
    ).toEqual([
      'namespace: is taken',
      'defaults.priorityClassName: bad',
      'agent offline',
    ]);
  });
});
