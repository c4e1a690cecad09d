import {
  attachClusterRequestSchema,
  clusterLabelsSchema,
  describeZodIssues,
  firstZodIssuePath,
  isDnsLabel,
  listClustersQuerySchema,
  updateClusterRequestSchema,
} from './schemas';

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

  it('says when the name is missing and when the body is not an object', () => {
    expect(errorsOf({ provider: 'eks' }).lines).toEqual(['name: is required']);
    expect(errorsOf('eks').first).toBe('(body)');
  });

  it('refuses over-long fields', () => {
    expect(
      errorsOf({ name: 'a', provider: 'eks', displayName: 'x'.repeat(201) })
        .first,
    ).toBe('displayName');
    expect(
      errorsOf({ name: 'a', provider: 'eks', description: 'x'.repeat(2001) })
        .first,
    ).toBe('description');
  });
});

describe('cluster names and labels', () => {
  it('accepts DNS-1123 labels only', () => {
    expect(isDnsLabel('a')).toBe(true);
    expect(isDnsLabel('gke-a3-mega-1')).toBe(true);
    expect(isDnsLabel('a'.repeat(63))).toBe(true);
    expect(isDnsLabel('a'.repeat(64))).toBe(false);
    expect(isDnsLabel('a.b')).toBe(false);
  });

  it('accepts Kubernetes label keys and values', () => {
    const labels = {
      team: 'ml-platform',
      'gpu-fleet.io/tier': 'gold',
      'example.com/empty': '',
      [`${'a'.repeat(253)}/x`]: 'y',
    };
    expect(clusterLabelsSchema.parse(labels)).toEqual(labels);
  });

  it.each([
    [{ [`${'a'.repeat(254)}/x`]: 'y' }],
    [{ ['x'.repeat(64)]: 'y' }],
    [{ 'Example.com/x': 'y' }],
    [{ '/x': 'y' }],
    [{ 'example.com/': 'y' }],
    [{ team: 'v'.repeat(64) }],
    [{ team: '-ml' }],
    [{ team: 'has space' }],
  ])('refuses %j', labels => {
    expect(clusterLabelsSchema.safeParse(labels).success).toBe(false);
  });

  // JSON.parse (and so express.json()) makes "__proto__" an own key.
  it.each([
    ['an attach', attachClusterRequestSchema, '{"name":"a","provider":"eks",'],
    ['an update', updateClusterRequestSchema, '{'],
  ])(
    'refuses a "__proto__" label key in %s, naming it, rather than dropping it',
    (_, schema, start) => {
      const body = JSON.parse(
        `${start}"labels":{"__proto__":"x","team":"ml"}}`,
      );
      const result = schema.safeParse(body);
      expect(result.success).toBe(false);
      expect(firstZodIssuePath(result.error!)).toBe('labels.__proto__');
      expect(describeZodIssues(result.error!)).toEqual([
        expect.stringMatching(/^labels\.__proto__: is not a valid label key/),
      ]);
    },
  );

  it('refuses "__proto__" among otherwise valid labels, even as an object', () => {
    for (const value of ['"x"', '{}', '{"polluted":"yes"}', 'null']) {
      const labels = JSON.parse(`{"team":"ml","__proto__":${value}}`);
      const result = clusterLabelsSchema.safeParse(labels);
      expect(result.success).toBe(false);
      expect(firstZodIssuePath(result.error!)).toBe('__proto__');
    }
    expect(({} as any).polluted).toBeUndefined();
  });

  it('keeps "constructor" and "prototype", valid Kubernetes keys, as plain data', () => {
    const labels = JSON.parse(
      '{"constructor":"x","prototype":"y","example.com/constructor":"z"}',
    );
    const parsed = clusterLabelsSchema.parse(labels);
    expect(Object.entries(parsed)).toEqual([
      ['constructor', 'x'],
      ['prototype', 'y'],
      ['example.com/constructor', 'z'],
    ]);
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
  });

  it('allows at most 64 labels', () => {
    const many = (n: number) =>
      Object.fromEntries(Array.from({ length: n }, (_, i) => [`l${i}`, 'v']));
    expect(clusterLabelsSchema.safeParse(many(64)).success).toBe(true);
    expect(clusterLabelsSchema.safeParse(many(65)).success).toBe(false);
  });
});

describe('update request schema', () => {
  it('refuses an update that changes nothing', () => {
    const result = updateClusterRequestSchema.safeParse({
      overrideManagedAddons: ['gpu-operator'],
    });
    expect(result.success).toBe(false);
    expect(describeZodIssues(result.error!)).toEqual([
      '(body): nothing to update: give displayName, description, labels or addons',
    ]);
  });

  it('lets the description be cleared and refuses unknown fields', () => {
    expect(updateClusterRequestSchema.parse({ description: null })).toEqual({
      description: null,
    });
    const result = updateClusterRequestSchema.safeParse({
      displayName: 'x',
      provider: 'gke',
    });
    expect(describeZodIssues(result.error!)).toEqual([
      'provider: is not a known field',
    ]);
  });
});

describe('list query schema', () => {
  it('reads numbers from the query string and fills in paging defaults', () => {
    expect(listClustersQuerySchema.parse({})).toEqual({
      limit: 50,
      offset: 0,
    });
    expect(
      listClustersQuerySchema.parse({
        provider: 'oke',
        status: 'connected',
        limit: '10',
        offset: '20',
      }),
    ).toEqual({ provider: 'oke', status: 'connected', limit: 10, offset: 20 });
  });

  it.each([
    [{ limit: '0' }, 'limit'],
    [{ limit: '501' }, 'limit'],
    [{ limit: '2.5' }, 'limit'],
    [{ offset: '-1' }, 'offset'],
    [{ status: 'lost' }, 'status'],
    [{ page: '2' }, 'page'],
  ])('refuses %j', (query, field) => {
    const result = listClustersQuerySchema.safeParse(query);
    expect(result.success).toBe(false);
    expect(firstZodIssuePath(result.error!)).toBe(field);
  });
});
