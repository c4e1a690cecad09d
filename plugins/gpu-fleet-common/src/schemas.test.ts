import {
  attachClusterRequestSchema,
  describeZodIssues,
  firstZodIssuePath,
  updateClusterRequestSchema,
} from './schemas';
import {
  meetsMinimumKubernetesVersion,
  prerequisiteReportSchema,
  requiredRegistries,
} from './prerequisites';

function errorsOf(value: unknown) {
  const result = attachClusterRequestSchema.safeParse(value);
  if (result.success) throw new Error('expected a validation error');
  return {
    lines: describeZodIssues(result.error),
    first: firstZodIssuePath(result.error),
  };
}

describe('attach request schema', () => {
  it('accepts a full request', () => {
    expect(
      attachClusterRequestSchema.parse({
        name: 'oke-bm-h100',
        provider: 'oke',
        region: 'us-ashburn-1',
        labels: { 'gpu-fleet.io/tier': 'gold', team: '' },
        addons: ['mpi-operator'],
      }).name,
    ).toBe('oke-bm-h100');
  });

  it.each([
    ['UPPER'],
    ['-leading'],
    ['trailing-'],
    ['under_score'],
    ['a'.repeat(64)],
    [''],
  ])('names the field for cluster name %j', name => {
    const { lines, first } = errorsOf({ name, provider: 'eks' });
    expect(first).toBe('name');
    expect(lines[0]).toMatch(/^name: must be a DNS-1123 label/);
  });

  it('lists the valid providers and add-ons when given unknown ones', () => {
    expect(errorsOf({ name: 'a', provider: 'do' }).lines[0]).toMatch(
      /^provider: must be one of: eks, aks, gke, oke, coreweave, lambda, fluidstack, nebius, generic/,
    );
    const addon = errorsOf({
      name: 'a',
      provider: 'eks',
      addons: ['keda', 'linkerd'],
    });
    expect(addon.first).toBe('addons[1]');
    expect(addon.lines[0]).toContain('known add-ons: gpu-operator');
    expect(
      errorsOf({ name: 'a', provider: 'eks', addons: ['keda', 'keda'] })
        .lines[0],
    ).toBe("addons[1]: 'keda' is listed twice");
  });

  it('names bad label keys and unknown fields', () => {
    expect(
      errorsOf({ name: 'a', provider: 'eks', labels: { 'bad key': 'x' } })
        .first,
    ).toBe('labels.bad key');
    expect(
      errorsOf({ name: 'a', provider: 'eks', colour: 'red' }).lines[0],
    ).toBe('colour: is not a known field');
  });

  it('refuses an update that changes nothing', () => {
    const result = updateClusterRequestSchema.safeParse({});
    expect(result.success).toBe(false);
    expect(describeZodIssues((result as any).error)[0]).toContain(
      'nothing to update',
    );
  });
});

describe('prerequisites', () => {
  it('knows which Kubernetes versions are new enough', () => {
    expect(meetsMinimumKubernetesVersion('v1.28.0')).toBe(true);
    expect(meetsMinimumKubernetesVersion('v1.30.1-eks-abc')).toBe(true);
    expect(meetsMinimumKubernetesVersion('1.27')).toBe(false);
    expect(meetsMinimumKubernetesVersion('garbage')).toBe(false);
  });

  it('lists the registries the chosen add-ons need', () => {
    expect(
      requiredRegistries(['gpu-operator', 'keda'], 'images.example.com'),
    ).toEqual(['ghcr.io', 'images.example.com', 'nvcr.io', 'registry.k8s.io']);
  });

  it('refuses unknown checks and duplicates in a report', () => {
    expect(
      prerequisiteReportSchema.safeParse({
        checks: [{ id: 'dns', status: 'pass', message: '' }],
      }).success,
    ).toBe(false);
    const dup = prerequisiteReportSchema.safeParse({
      checks: [
        { id: 'ingress', status: 'pass', message: 'ok' },
        { id: 'ingress', status: 'fail', message: 'no' },
      ],
    });
    expect(dup.success).toBe(false);
    expect(describeZodIssues((dup as any).error)[0]).toBe(
      "checks[1].id: check 'ingress' is reported more than once",
    );
  });
});
