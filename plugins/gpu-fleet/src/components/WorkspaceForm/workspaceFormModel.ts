import type {
  CreateWorkspaceRequest,
  ProviderId,
  Toleration,
  UpdateWorkspaceRequest,
  WorkloadIdentity,
  Workspace,
  WorkspaceCapacityType,
  WorkspaceDefaults,
  WorkspaceMember,
  WorkspaceRole,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import type { ApiIssue } from '../../api/apiIssues';

/** The top-level fields of the create and update requests, for apiIssues. */
export const WORKSPACE_REQUEST_FIELDS = [
  'name',
  'cluster',
  'namespace',
  'displayName',
  'description',
  'allowPrivileged',
  'gpuQuota',
  'defaults',
  'workloadIdentity',
  'members',
] as const;

// Rows hold text as typed; numbers are checked when the request is built.
export interface QuotaRow {
  gpuType: string;
  count: string;
}

export interface TolerationRow {
  key: string;
  operator: 'Equal' | 'Exists';
  value: string;
  effect: '' | NonNullable<Toleration['effect']>;
  seconds: string;
}

export interface LabelRow {
  key: string;
  value: string;
}

export interface MemberRow {
  ref: string;
  role: WorkspaceRole;
}

export const emptyQuotaRow = (): QuotaRow => ({ gpuType: 'H100', count: '' });
export const emptyTolerationRow = (): TolerationRow => ({
  key: '',
  operator: 'Exists',
  value: '',
  effect: 'NoSchedule',
  seconds: '',
});
export const emptyLabelRow = (): LabelRow => ({ key: '', value: '' });
export const emptyMemberRow = (): MemberRow => ({ ref: '', role: 'viewer' });

export interface CreateWorkspaceForm {
  name: string;
  displayName: string;
  cluster: string;
  namespace: string;
  allowPrivileged: boolean;
  gpuQuota: QuotaRow[];
  tolerations: TolerationRow[];
  members: MemberRow[];
}

export const emptyCreateForm = (): CreateWorkspaceForm => ({
  name: '',
  displayName: '',
  cluster: '',
  namespace: '',
  allowPrivileged: false,
  gpuQuota: [],
  tolerations: [],
  members: [],
});

/** Everything a workspace admin may change apart from members. */
export interface WorkspaceSettingsForm {
  displayName: string;
  description: string;
  allowPrivileged: boolean;
  gpuQuota: QuotaRow[];
  tolerations: TolerationRow[];
  nodeSelector: LabelRow[];
  priorityClassName: string;
  capacityType: '' | WorkspaceCapacityType;
  workloadIdentity: Required<Record<keyof WorkloadIdentity, string>>;
}

/** What a built request needs fixing first, in the API's own issue shape. */
export type Built<T> = { request: T; issues: [] } | { issues: ApiIssue[] };

const WHOLE_NUMBER = /^\d+$/;

type QuotaEntry = CreateWorkspaceRequest['gpuQuota'][number];

function quotaFromRows(rows: QuotaRow[], issues: ApiIssue[]) {
  return rows.map<QuotaEntry>((row, index) => {
    const count = row.count.trim();
    if (!WHOLE_NUMBER.test(count)) {
      issues.push({
        path: `gpuQuota[${index}].count`,
        message: 'must be a whole number of GPUs',
      });
    }
    // The select offers only known types; the API names the row otherwise.
    return {
      gpuType: row.gpuType as QuotaEntry['gpuType'],
      count: Number(count),
    };
  });
}

function tolerationsFromRows(rows: TolerationRow[], issues: ApiIssue[]) {
  return rows.map<Toleration>((row, index) => {
    const toleration: Toleration = { operator: row.operator };
    if (row.key.trim()) toleration.key = row.key.trim();
    // Exists matches any value, and the API refuses one given with it.
    if (row.operator === 'Equal' && row.value.trim()) {
      toleration.value = row.value.trim();
    }
    if (row.effect) toleration.effect = row.effect;
    const seconds = row.seconds.trim();
    if (seconds) {
      if (WHOLE_NUMBER.test(seconds)) {
        toleration.tolerationSeconds = Number(seconds);
      } else {
        issues.push({
          path: `defaults.tolerations[${index}].tolerationSeconds`,
          message: 'must be a whole number of seconds',
        });
      }
    }
    return toleration;
  });
}

function labelsFromRows(rows: LabelRow[], issues: ApiIssue[]) {
  const labels: Record<string, string> = {};
  for (const row of rows) {
    const key = row.key.trim();
    if (!key && !row.value.trim()) continue;
    if (!key) {
      issues.push({
        path: 'defaults.nodeSelector',
        message: `the value '${row.value.trim()}' has no label key`,
      });
    } else if (Object.prototype.hasOwnProperty.call(labels, key)) {
      issues.push({
        path: 'defaults.nodeSelector',
        message: `'${key}' is listed twice`,
      });
    } else {
      labels[key] = row.value.trim();
    }
  }
  return labels;
}

export function membersFromRows(rows: MemberRow[]): WorkspaceMember[] {
  return rows.map(row => ({ ref: row.ref.trim(), role: row.role }));
}

/** The create request; rows keep their order so the API's indices name them. */
export function buildCreateRequest(
  form: CreateWorkspaceForm,
): Built<CreateWorkspaceRequest> {
  const issues: ApiIssue[] = [];
  const gpuQuota = quotaFromRows(form.gpuQuota, issues);
  const tolerations = tolerationsFromRows(form.tolerations, issues);
  if (issues.length > 0) return { issues };
  const request: CreateWorkspaceRequest = {
    name: form.name.trim(),
    cluster: form.cluster,
    allowPrivileged: form.allowPrivileged,
    gpuQuota,
    defaults: {
      tolerations,
      nodeSelector: {},
      priorityClassName: null,
      capacityType: null,
    },
    workloadIdentity: {},
    members: membersFromRows(form.members),
  };
  if (form.namespace.trim()) request.namespace = form.namespace.trim();
  if (form.displayName.trim()) request.displayName = form.displayName.trim();
  return { request, issues: [] };
}

/** Which workload identity fields apply on a provider's clusters. */
export function identityFieldsFor(
  provider: ProviderId | undefined,
): Array<keyof WorkloadIdentity> {
  switch (provider) {
    case 'eks':
      return ['awsRoleArn'];
    case 'gke':
      return ['gcpServiceAccount'];
    case 'aks':
      return ['azureClientId'];
    case 'oke':
      return ['ociClusterId', 'ociCompartment'];
    default:
      return [];
  }
}

export function settingsFormFrom(workspace: Workspace): WorkspaceSettingsForm {
  const identity = workspace.workloadIdentity;
  return {
    displayName: workspace.displayName,
    description: workspace.description ?? '',
    allowPrivileged: workspace.allowPrivileged,
    gpuQuota: workspace.gpuQuota.map(q => ({
      gpuType: q.gpuType,
      count: String(q.count),
    })),
    tolerations: workspace.defaults.tolerations.map(t => ({
      key: t.key ?? '',
      operator: t.operator ?? (t.key ? 'Equal' : 'Exists'),
      value: t.value ?? '',
      effect: t.effect ?? '',
      seconds:
        t.tolerationSeconds === undefined ? '' : String(t.tolerationSeconds),
    })),
    nodeSelector: Object.entries(workspace.defaults.nodeSelector).map(
      ([key, value]) => ({ key, value }),
    ),
    priorityClassName: workspace.defaults.priorityClassName ?? '',
    capacityType: workspace.defaults.capacityType ?? '',
    workloadIdentity: {
      awsRoleArn: identity.awsRoleArn ?? '',
      gcpServiceAccount: identity.gcpServiceAccount ?? '',
      azureClientId: identity.azureClientId ?? '',
      ociClusterId: identity.ociClusterId ?? '',
      ociCompartment: identity.ociCompartment ?? '',
    },
  };
}

/** The PATCH for everything but members; an emptied description is cleared. */
export function buildSettingsRequest(
  form: WorkspaceSettingsForm,
): Built<UpdateWorkspaceRequest> {
  const issues: ApiIssue[] = [];
  const displayName = form.displayName.trim();
  if (!displayName) {
    issues.push({ path: 'displayName', message: 'must not be empty' });
  }
  const gpuQuota = quotaFromRows(form.gpuQuota, issues);
  const defaults: WorkspaceDefaults = {
    tolerations: tolerationsFromRows(form.tolerations, issues),
    nodeSelector: labelsFromRows(form.nodeSelector, issues),
    priorityClassName: form.priorityClassName.trim() || null,
    capacityType: form.capacityType || null,
  };
  if (issues.length > 0) return { issues };
  const workloadIdentity: WorkloadIdentity = {};
  for (const [field, value] of Object.entries(form.workloadIdentity)) {
    if (value.trim()) {
      workloadIdentity[field as keyof WorkloadIdentity] = value.trim();
    }
  }
  return {
    request: {
      displayName,
      description: form.description.trim() || null,
      allowPrivileged: form.allowPrivileged,
      gpuQuota,
      defaults,
      workloadIdentity,
    },
    issues: [],
  };
}
