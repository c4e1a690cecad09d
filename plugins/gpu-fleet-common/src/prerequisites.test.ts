import {
  HEADROOM,
  meetsMinimumKubernetesVersion,
  parseKubernetesVersion,
  PREREQUISITE_CHECK_IDS,
  prerequisiteChecks,
  prerequisiteReportSchema,
  requiredRegistries,
  WORKSPACE_RIGHTS_CHECK_ID,
} from './prerequisites';
import { describeZodIssues } from './schemas';

describe('Kubernetes version', () => {
  it.each([
    ['v1.29.3', { major: 1, minor: 29 }],
    ['1.28', { major: 1, minor: 28 }],
    ['v1.30.1-eks-abc', { major: 1, minor: 30 }],
    ['v1.31.2-gke.1200000', { major: 1, minor: 31 }],
    ['1.28+', { major: 1, minor: 28 }],
    ['garbage', undefined],
    ['1', undefined],
    ['1.2x', undefined],
  ])('parses %j', (version, expected) => {
    expect(parseKubernetesVersion(version)).toEqual(expected);
  });

  it('knows which versions are new enough', () => {
    expect(meetsMinimumKubernetesVersion('v1.28.0')).toBe(true);
    expect(meetsMinimumKubernetesVersion('v1.30.1-eks-abc')).toBe(true);
    expect(meetsMinimumKubernetesVersion('2.0')).toBe(true);
    expect(meetsMinimumKubernetesVersion('1.27')).toBe(false);
    expect(meetsMinimumKubernetesVersion('v1.9.11')).toBe(false);
    expect(meetsMinimumKubernetesVersion('garbage')).toBe(false);
  });
});

describe('prerequisite checks', () => {
  it('tells the engineer how to fix every check', () => {
    for (const id of PREREQUISITE_CHECK_IDS) {
      expect(prerequisiteChecks[id].id).toBe(id);
      expect(prerequisiteChecks[id].advice.length).toBeGreaterThan(20);
    }
    expect(prerequisiteChecks['node-headroom'].advice).toContain(
      String(HEADROOM.nodes),
    );
    expect(prerequisiteChecks['wildcard-domain-tls'].advice).toContain(
      'cert-manager',
    );
    expect(prerequisiteChecks['node-labels'].advice).toContain(
      'only on EKS, GKE and AKS',
    );
    expect(prerequisiteChecks[WORKSPACE_RIGHTS_CHECK_ID].advice).toContain(
      'rbac.workspaces=true',
    );
    expect(prerequisiteChecks[WORKSPACE_RIGHTS_CHECK_ID].advice).toContain(
      'kustomize base',
    );
  });

  it('lists the registries the chosen add-ons need, once each and sorted', () => {
    expect(
      requiredRegistries(
        ['gpu-operator', 'keda', 'kueue'],
        'images.example.com',
      ),
    ).toEqual(['ghcr.io', 'images.example.com', 'nvcr.io', 'registry.k8s.io']);
    expect(requiredRegistries([], 'quay.io')).toEqual(['quay.io']);
  });
});

describe('prerequisite report schema', () => {
  const check = { id: 'ingress', status: 'pass', message: 'ok' };

  it('accepts a report with details', () => {
    const report = {
      checks: [
        check,
        {
          id: 'registry-egress',
          status: 'fail',
          message: 'nvcr.io unreachable',
          details: { unreachable: ['nvcr.io'] },
        },
      ],
    };
    expect(prerequisiteReportSchema.parse(report)).toEqual(report);
  });

  it('refuses unknown checks, unknown statuses and over-long messages', () => {
    const parses = (c: object) =>
      prerequisiteReportSchema.safeParse({ checks: [c] }).success;
    expect(parses({ ...check, id: 'dns' })).toBe(false);
    expect(parses({ ...check, status: 'warn' })).toBe(false);
    expect(parses({ ...check, message: 'x'.repeat(2000) })).toBe(true);
    expect(parses({ ...check, message: 'x'.repeat(2001) })).toBe(false);
  });

  it('names a check reported twice', () => {
    const dup = prerequisiteReportSchema.safeParse({
      checks: [check, { ...check, status: 'fail', message: 'no' }],
    });
    expect(dup.success).toBe(false);
    expect(describeZodIssues(dup.error!)).toEqual([
      "checks[1].id: check 'ingress' is reported more than once",
    ]);
  });
});
